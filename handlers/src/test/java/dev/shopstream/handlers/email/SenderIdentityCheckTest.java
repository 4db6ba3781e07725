package dev.shopstream.handlers.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.GetEmailIdentityRequest;
import software.amazon.awssdk.services.sesv2.model.GetEmailIdentityResponse;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;

/** The start-up check of the sender: an SES outage does not stop a start, a wrong setting does. */
class SenderIdentityCheckTest {

  private static SesV2Client answering(SdkException failure) {
    return new SesV2Client() {
      @Override
      public GetEmailIdentityResponse getEmailIdentity(GetEmailIdentityRequest request) {
        throw failure;
      }

      @Override
      public String serviceName() {
        return "ses";
      }

      @Override
      public void close() {}
    };
  }

  private static SesV2Exception status(int status, String code) {
    return (SesV2Exception) SesV2Exception.builder().statusCode(status)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build()).build();
  }

  private static List<String> check(SdkException failure) {
    return SenderIdentityCheck.check(answering(failure), "orders@shop.example", "SHOP_EMAIL_FROM");
  }

  @Test
  void anSesOutageAtStartIsNoProblem() {
    assertThat(check(status(503, "ServiceUnavailable"))).isEmpty();
    assertThat(check(status(400, "ThrottlingException").toBuilder().statusCode(429).build())).isEmpty();
    assertThat(check(ApiCallTimeoutException.create(2000))).isEmpty();
  }

  @Test
  void aRefusalOrABadRequestIsOneLineToFix() {
    assertThat(check(status(400, "BadRequestException"))).singleElement().asString()
        .contains("SES: cannot read identity orders@shop.example").contains("BadRequestException");
  }
}
