package dev.shopstream.handlers;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Classifies AWS SDK errors at the client boundary. Retryable: throttling, HTTP 5xx and 429, request
 * timeouts, and client-side failures (connection refused, timeouts, I/O). Systemic (held and alarmed
 * on, see {@link EffectFailure#systemic}): 401, 403, and codes naming credentials, permissions, KMS
 * or a configured resource that is gone (topic, configuration set, queue). Permanent: every other
 * service error (validation, a rejected message).
 */
public final class AwsFailures {
  private AwsFailures() {}

  /** Error codes that say the worker's setup is wrong (credentials, permissions, a resource gone), not the event. */
  static final Set<String> SYSTEMIC_CODES = Set.of("AccessDenied", "AccessDeniedException", "AuthorizationError",
      "InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch", "ExpiredToken",
      "ExpiredTokenException", "MissingAuthenticationToken", "IncompleteSignature", "NotFound", "NotFoundException",
      "KMSAccessDenied", "KMSAccessDeniedException", "KMSDisabled", "KMSDisabledException", "KMSNotFound",
      "KMSNotFoundException", "KMSInvalidState", "AccountSendingPausedException", "MailFromDomainNotVerifiedException",
      "ConfigurationSetDoesNotExistException", "ResourceNotFoundException",
      // SQS: a configured queue (the SES send-events queue) that is gone or misspelt; the JSON protocol's
      // code and the query protocol's, as the SDK may report either.
      "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue");

  public static EffectFailure classify(String what, SdkException error) {
    String message = what + " failed: " + describe(error);
    if (isSystemic(error)) {
      return EffectFailure.systemic(message, error);
    }
    return isRetryable(error) ? EffectFailure.retryable(message, error) : EffectFailure.permanent(message, error);
  }

  /** 401, 403, or a code naming credentials, permissions or a missing resource the worker is configured with. */
  static boolean isSystemic(SdkException error) {
    if (error instanceof AwsServiceException service) {
      int status = service.statusCode();
      String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
      return status == 401 || status == 403 || code != null && SYSTEMIC_CODES.contains(code)
          || service instanceof QueueDoesNotExistException;
    }
    return false;
  }

  /**
   * As {@link #classify}, for a call with an external effect (SendEmail, Publish, PublishBatch): a call
   * whose request may have reached the service and got no definite answer (a timeout, a connection
   * reset, an HTTP 5xx) is {@link EffectFailure#outcomeUnknown}; a refused connection, an unknown
   * host, throttling and 4xx are known to have had no effect.
   */
  public static EffectFailure classifyEffect(String what, SdkException error) {
    if (outcomeUnknown(error)) {
      return EffectFailure.outcomeUnknown(what + " failed with its outcome unknown (the service may have acted on it): "
          + describe(error), error);
    }
    return classify(what, error);
  }

  static boolean outcomeUnknown(SdkException error) {
    if (error instanceof AwsServiceException service) {
      return service.statusCode() >= 500 && !service.isThrottlingException();
    }
    if (!(error instanceof SdkClientException)) {
      return false;
    }
    for (Throwable cause = error.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof ConnectException || cause instanceof UnknownHostException
          || cause instanceof NoRouteToHostException) {
        return false;
      }
      if (cause == cause.getCause()) {
        break;
      }
    }
    return true;
  }

  static boolean isRetryable(SdkException error) {
    if (error instanceof AwsServiceException service) {
      int status = service.statusCode();
      return service.isThrottlingException() || status >= 500 || status == 429 || status == 408;
    }
    return error instanceof SdkClientException || error.retryable();
  }

  /**
   * The service is there but not answering well right now (HTTP 5xx, throttling, a call that timed out):
   * an outage to ride out, not a setting to fix. A refused connection or an unknown host is not transient
   * here (more often a wrong endpoint than an outage), nor is any 4xx.
   */
  public static boolean isTransient(SdkException error) {
    if (error instanceof AwsServiceException service) {
      int status = service.statusCode();
      return service.isThrottlingException() || status >= 500 || status == 429;
    }
    // a client-side failure other than a refused connection or an unknown host: a timeout, a reset
    return error instanceof ApiCallTimeoutException || error instanceof ApiCallAttemptTimeoutException
        || error instanceof SdkClientException && outcomeUnknown(error);
  }

  /** The error code, HTTP status and message; for a client-side failure its type and message. */
  public static String describe(SdkException error) {
    if (error instanceof SdkClientException
        && String.valueOf(error.getMessage()).startsWith("Unable to load credentials")) {
      return "no AWS credentials found (task role, environment, profile); for local stand-ins set "
          + "SHOP_AWS_DUMMY_CREDENTIALS=true";
    }
    if (error instanceof AwsServiceException service && service.awsErrorDetails() != null) {
      return service.awsErrorDetails().errorCode() + " (HTTP " + service.statusCode() + "): "
          + service.awsErrorDetails().errorMessage();
    }
    return error.getClass().getSimpleName() + ": " + error.getMessage();
  }
}
