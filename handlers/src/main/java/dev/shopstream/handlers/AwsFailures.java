package dev.shopstream.handlers;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Classifies AWS SDK errors at the client boundary. Retryable: throttling, HTTP 5xx and 429, request
 * timeouts, and client-side failures (connection refused, timeouts, I/O). Permanent: every other
 * service error (validation, not found, access denied, a rejected message).
 */
public final class AwsFailures {
  private AwsFailures() {}

  public static EffectFailure classify(String what, SdkException error) {
    String message = what + " failed: " + describe(error);
    return isRetryable(error) ? EffectFailure.retryable(message, error) : EffectFailure.permanent(message, error);
  }

  static boolean isRetryable(SdkException error) {
    if (error instanceof AwsServiceException service) {
      int status = service.statusCode();
      return service.isThrottlingException() || status >= 500 || status == 429 || status == 408;
    }
    return error instanceof SdkClientException || error.retryable();
  }

  /** The error code, HTTP status and message; for a client-side failure its type and message. */
  public static String describe(SdkException error) {
    if (error instanceof AwsServiceException service && service.awsErrorDetails() != null) {
      return service.awsErrorDetails().errorCode() + " (HTTP " + service.statusCode() + "): "
          + service.awsErrorDetails().errorMessage();
    }
    return error.getClass().getSimpleName() + ": " + error.getMessage();
  }
}
