package dev.shopstream.pipeline.app;

import dev.shopstream.settings.Rule;
import dev.shopstream.settings.Setting;
import dev.shopstream.settings.SettingValues;
import java.net.URI;
import java.util.Optional;

/**
 * Where and as whom the AWS clients call: the region, the credentials, and each service's endpoint override
 * (empty: AWS's own).
 *
 * @param dynamoDb DynamoDB and DynamoDB Streams
 */
public record AwsSettings(String region, boolean dummyCredentials, Optional<URI> dynamoDb, Optional<URI> ses,
    Optional<URI> sns, Optional<URI> sqs, Optional<URI> s3) {
  public static final Setting<String> REGION = Setting.text("AWS_REGION", "us-east-1",
      Rule.pattern("[a-z]{2}(-[a-z]+)+-\\d", "an AWS region such as eu-west-1"),
      "AWS region of the table and the lease tables.");
  public static final Setting<Boolean> DUMMY_CREDENTIALS = Setting.flag("SHOP_AWS_DUMMY_CREDENTIALS", false,
      "true: sign every AWS call with fixed dummy credentials, for local stand-ins (moto, the emulators) only. "
          + "false: the default AWS credentials chain (task role, environment, profile), also with endpoint "
          + "overrides such as VPC or FIPS endpoints.");
  public static final Setting<Optional<URI>> DYNAMODB_ENDPOINT = Setting.url("SHOP_DYNAMODB_ENDPOINT",
      "Endpoint override for DynamoDB and DynamoDB Streams, e.g. the moto endpoint bin/local-aws prints. Empty: real "
          + "AWS.");
  public static final Setting<Optional<URI>> SES_ENDPOINT = Setting.url("SHOP_SES_ENDPOINT",
      "Endpoint override for SES (v2 API), e.g. a local emulator. Empty: AWS.");
  public static final Setting<Optional<URI>> SNS_ENDPOINT = Setting.url("SHOP_SNS_ENDPOINT",
      "Endpoint override for SNS, e.g. a local emulator. Empty: AWS.");
  public static final Setting<Optional<URI>> SQS_ENDPOINT = Setting.url("SHOP_SQS_ENDPOINT",
      "Endpoint override for SQS, e.g. a local emulator. Empty: AWS.");
  public static final Setting<Optional<URI>> S3_ENDPOINT = Setting.url("SHOP_S3_ENDPOINT",
      "Endpoint override for S3 (the dead-letter overflow bucket), e.g. the local moto endpoint. Empty: AWS.");

  public static AwsSettings read(SettingValues values) {
    return new AwsSettings(values.get(REGION), values.get(DUMMY_CREDENTIALS), values.get(DYNAMODB_ENDPOINT),
        values.get(SES_ENDPOINT), values.get(SNS_ENDPOINT), values.get(SQS_ENDPOINT), values.get(S3_ENDPOINT));
  }
}
