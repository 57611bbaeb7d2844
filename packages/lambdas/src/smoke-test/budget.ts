/** What a hook reads from the Lambda runtime's context object. */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

/** Kept back from the invocation's remaining time for returning the answer and flushing the logs. */
export const RETURN_MARGIN_MS = 500;
