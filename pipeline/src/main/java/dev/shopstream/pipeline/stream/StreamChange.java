package dev.shopstream.pipeline.stream;

import dev.shopstream.contracts.EventSource;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One record of the table's stream, as the differ sees it.
 *
 * @param oldImage the item before the change; null when the stream record has none (INSERT)
 * @param newImage the item after the change; null when the stream record has none (REMOVE)
 * @param userIdentityType "Service" for changes DynamoDB made itself (TTL), else null
 * @param userIdentityPrincipal "dynamodb.amazonaws.com" for TTL deletes, else null
 * @param approximateCreationTime when DynamoDB wrote the change; null if the record lacks it
 */
public record StreamChange(
    EventSource source,
    ChangeKind kind,
    Map<String, AttributeValue> keys,
    Map<String, AttributeValue> oldImage,
    Map<String, AttributeValue> newImage,
    String userIdentityType,
    String userIdentityPrincipal,
    Instant approximateCreationTime) {

  /** The principal DynamoDB's time-to-live process deletes as. */
  public static final String TTL_PRINCIPAL = "dynamodb.amazonaws.com";

  public StreamChange {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(kind, "kind");
    keys = keys == null ? Map.of() : Map.copyOf(keys);
    oldImage = oldImage == null ? null : Map.copyOf(oldImage);
    newImage = newImage == null ? null : Map.copyOf(newImage);
  }

  /** True for a REMOVE made by DynamoDB's TTL process rather than by the application. */
  public boolean isTtlDelete() {
    return kind == ChangeKind.REMOVE && "Service".equals(userIdentityType)
        && TTL_PRINCIPAL.equals(userIdentityPrincipal);
  }
}
