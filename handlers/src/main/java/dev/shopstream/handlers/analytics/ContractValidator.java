package dev.shopstream.handlers.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.shopstream.contracts.AnalyticsSchemas;
import dev.shopstream.contracts.EventType;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a message's {@code data} against the JSON Schema of its type and current version, as kept
 * in {@code contracts/}. The analytics handler refuses to publish what its own contract rejects.
 */
public final class ContractValidator {
  private final Map<EventType, JsonSchema> schemas = new EnumMap<>(EventType.class);

  public ContractValidator() {
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    for (EventType type : EventType.values()) {
      schemas.put(type, factory.getSchema(AnalyticsSchemas.read(type, AnalyticsSchemas.currentVersion(type)), config));
    }
  }

  /** @return the violations, empty when {@code data} conforms */
  public List<String> violations(EventType type, JsonNode data) {
    Set<ValidationMessage> messages = schemas.get(type).validate(data);
    return messages.stream().map(ValidationMessage::getMessage).sorted().toList();
  }
}
