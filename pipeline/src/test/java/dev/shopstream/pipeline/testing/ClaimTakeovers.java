package dev.shopstream.pipeline.testing;

import dev.shopstream.local.aws.LocalShopStack;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Reads the idempotency table of the local stack for takeovers: a repeated effect is allowed by
 * docs/architecture.md only where an earlier attempt's claim was taken over (a kill -9 between an effect and its
 * completion), so the process tests check that each repeat they count came from one.
 */
public final class ClaimTakeovers {
  private ClaimTakeovers() {}

  /** Takeovers of the claims whose id starts with {@code prefix} and contains {@code part}. */
  public static long of(LocalShopStack stack, String prefix, String part) {
    return stack.dynamo.scanPaginator(r -> r.tableName(LocalShopStack.IDEMPOTENCY_TABLE).consistentRead(true)
            .filterExpression("begins_with(id, :prefix) AND contains(id, :part)")
            .expressionAttributeValues(Map.of(":prefix", AttributeValue.fromS(prefix),
                ":part", AttributeValue.fromS(part))))
        .items().stream().filter(item -> item.containsKey("takeovers"))
        .mapToLong(item -> Long.parseLong(item.get("takeovers").n())).sum();
  }
}
