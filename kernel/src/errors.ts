/**
 * The kernel's errors. They mirror the library's BeeMindError shape (a stable `code` plus a message that says
 * what is wrong and how to fix it) without importing the library, whose import would cost the kernel's
 * startup a third of a second.
 */
export class KernelError extends Error {
  /** Stable machine-readable code, e.g. `protocol.bad_frames`. */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A message crossing a process or network boundary (ZeroMQ frames, comm messages) is malformed. */
export class KernelProtocolError extends KernelError {}

/** The kernel was started or installed with invalid options (connection file, install flags). */
export class KernelConfigurationError extends KernelError {}
