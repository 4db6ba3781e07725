package dev.shopstream.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.ThrottledException;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

class AwsFailuresTest {

  private static AwsServiceException service(int status, String code) {
    return AwsServiceException.builder().statusCode(status)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("m").build()).build();
  }

  @Test
  void throttlingServerErrorsTimeoutsAndConnectionFailuresAreRetryable() {
    assertThat(AwsFailures.classify("x", service(500, "InternalError")).retryable()).isTrue();
    assertThat(AwsFailures.classify("x", service(503, "ServiceUnavailable")).retryable()).isTrue();
    assertThat(AwsFailures.classify("x", service(429, "TooManyRequests")).retryable()).isTrue();
    assertThat(AwsFailures.classify("x", service(400, "ThrottlingException")).retryable()).isTrue();
    assertThat(AwsFailures.classify("x", ThrottledException.builder().statusCode(400)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode("Throttling").build()).build()).retryable()).isTrue();
    assertThat(AwsFailures.classify("x", ApiCallTimeoutException.create(1000)).retryable()).isTrue();
    assertThat(AwsFailures.classify("x", SdkClientException.builder().cause(new ConnectException("refused")).build())
        .retryable()).isTrue();
  }

  @Test
  void validationAndNotFoundErrorsArePermanentAndSayWhatFailed() {
    EffectFailure failure = AwsFailures.classify("SNS Publish", InvalidParameterException.builder().statusCode(400)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode("InvalidParameter").errorMessage("Message too long")
            .build())
        .build());
    assertThat(failure.retryable()).isFalse();
    assertThat(failure).hasMessage("SNS Publish failed: InvalidParameter (HTTP 400): Message too long");
    assertThat(AwsFailures.classify("x", service(400, "MessageRejected")).retryable()).isFalse();
  }

  @Test
  void setupErrorsAreSystemicHeldAndNeverParkedEventByEvent() {
    for (SdkException error : List.of(service(403, "AccessDenied"), service(403, "AuthorizationError"),
        service(404, "NotFound"), service(404, "NotFoundException"), service(401, "Unauthorized"),
        service(400, "InvalidClientTokenId"), service(400, "KMSDisabled"))) {
      EffectFailure failure = AwsFailures.classify("SNS Publish", error);
      assertThat(failure.systemic()).as(error.toString()).isTrue();
      assertThat(failure.retryable()).as("held, not dead-lettered").isTrue();
    }
    assertThat(AwsFailures.classify("x", service(400, "InvalidParameter")).systemic()).isFalse();
    assertThat(AwsFailures.classify("x", service(503, "ServiceUnavailable")).systemic()).isFalse();
  }

  @Test
  void aMissingQueueIsSystemicUnderEitherProtocolsCodeAndAsTheSdksOwnException() {
    // A misspelt SHOP_SES_EVENTS_QUEUE_URL: every reconciliation would fail alike, so hold and alarm, never park.
    for (SdkException error : List.of(service(400, "QueueDoesNotExist"),
        service(400, "AWS.SimpleQueueService.NonExistentQueue"),
        QueueDoesNotExistException.builder().statusCode(400).message("The specified queue does not exist.").build())) {
      EffectFailure failure = AwsFailures.classify("reading SES send events", error);
      assertThat(failure.systemic()).as(error.toString()).isTrue();
      assertThat(failure.retryable()).as("held, not dead-lettered").isTrue();
    }
  }

  @Test
  void anEffectCallWithoutADefiniteAnswerHasAnUnknownOutcomeARefusedOneHasNone() {
    assertThat(AwsFailures.classifyEffect("SES SendEmail", ApiCallTimeoutException.create(1000)).isOutcomeUnknown())
        .isTrue();
    assertThat(AwsFailures.classifyEffect("x", SdkClientException.builder().cause(new SocketTimeoutException("read"))
        .build()).isOutcomeUnknown()).isTrue();
    assertThat(AwsFailures.classifyEffect("x", service(500, "InternalFailure")).isOutcomeUnknown()).isTrue();
    assertThat(AwsFailures.classifyEffect("x", ApiCallTimeoutException.create(1000)).retryable()).isTrue();

    assertThat(AwsFailures.classifyEffect("x", SdkClientException.builder().cause(new ConnectException("refused"))
        .build()).isOutcomeUnknown()).isFalse();
    assertThat(AwsFailures.classifyEffect("x", service(400, "ThrottlingException")).isOutcomeUnknown()).isFalse();
    assertThat(AwsFailures.classifyEffect("x", service(400, "MessageRejected")).isOutcomeUnknown()).isFalse();
  }

  @Test
  void onlyEffectFailuresMarkedRetryableAreRetried() {
    assertThat(EffectFailure.isRetryable(EffectFailure.retryable("r", null))).isTrue();
    assertThat(EffectFailure.isRetryable(EffectFailure.permanent("p", null))).isFalse();
    assertThat(EffectFailure.isRetryable(new IllegalStateException("a bug"))).isFalse();
  }

  @Test
  void missingCredentialsAreNamedInOneShortLine() {
    SdkClientException noCredentials =
        SdkClientException.create("Unable to load credentials from any of the providers in "
        + "the chain AwsCredentialsProviderChain(credentialsProviders=[SystemPropertyCredentialsProvider(), ...])");
    assertThat(AwsFailures.describe(noCredentials)).isEqualTo("no AWS credentials found (task role, environment, "
        + "profile); for local stand-ins set SHOP_AWS_DUMMY_CREDENTIALS=true");
  }
}
