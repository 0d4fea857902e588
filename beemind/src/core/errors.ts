/**
 * The one error hierarchy of BeeMind. Every message says what is wrong and how to fix it.
 */
export class BeeMindError extends Error {
  /** Stable machine-readable code, e.g. `data.empty`. */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Something is wrong with the data handed to BeeMind (empty, malformed, mismatched columns, …). */
export class DataError extends BeeMindError {}

/** An option, hyperparameter or search-space definition is invalid. */
export class ConfigurationError extends BeeMindError {}

/** A candidate failed while being fitted or scored. */
export class EvaluationError extends BeeMindError {}

/** A message crossing a process or network boundary is malformed. */
export class ProtocolError extends BeeMindError {}

/** An estimator or transformer was used before `fit`. */
export class NotFittedError extends BeeMindError {
  constructor(what: string) {
    super('model.not_fitted', `${what} is not fitted yet: call fit() before predict()/transform().`);
  }
}
