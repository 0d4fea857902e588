/**
 * The public API of the `beemind-kernel` package, for embedding and tooling; the kernel itself runs from
 * dist/main.js (see kernelSpec()). Everything not exported here is private.
 */
export { startKernel } from './kernel.js';
export {
  installKernelSpec,
  kernelSpec,
  kernelsDir,
  KERNEL_NAME,
  DISPLAY_NAME,
  type InstallOptions,
  type InstallScope,
} from './install.js';
export { JupyterHandler, type KernelPort, type HandlerOptions } from './protocol/handler.js';
export type {
  Executor,
  ExecuteRequest,
  ExecuteOutcome,
  CompleteResult,
  InspectResult,
  IsCompleteResult,
  CommOpenRequest,
  CommMessage,
} from './executor/executor.js';
export type { JupyterMessage, Header, Output, OutputSink, IopubType } from './protocol/messages.js';
export { Signer } from './transport/signer.js';
export { parseConnectionInfo, type ConnectionInfo } from './transport/connection.js';
export { KernelError, KernelProtocolError, KernelConfigurationError } from './errors.js';
export { DISPLAY } from './display/mime.js';
