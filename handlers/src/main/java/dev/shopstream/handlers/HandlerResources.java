package dev.shopstream.handlers;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shopstream.handlers.idempotency.IdempotencyStore;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sns.SnsClient;

/** What the worker shares with the handlers it builds; clients are made on first use. */
public interface HandlerResources {
  DynamoDbClient dynamo();

  SesV2Client ses();

  SnsClient sns();

  /** The shop table (the waitlist lives in it). */
  String table();

  /** Claims on once-only effects. */
  IdempotencyStore claims();

  Clock clock();

  ObjectMapper json();
}
