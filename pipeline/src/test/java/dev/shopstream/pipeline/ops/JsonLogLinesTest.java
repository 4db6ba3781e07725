package dev.shopstream.pipeline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The worker's shipped logback.xml with SHOP_LOG_FORMAT=json (the image's default): one JSON object per line,
 * with the fields a log pipeline indexes (time, level, logger, message, the MDC's shard and sequence number, a
 * stack trace as one field). Guards the encoder across upgrades of it and of Jackson.
 */
class JsonLogLinesTest {

  @Test
  void theShippedConfigurationWritesOneJsonObjectPerLineWithTheMdcAndTheStackTrace() throws Exception {
    LoggerContext context = new LoggerContext();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(getClass().getResource("/logback.xml"));
    @SuppressWarnings("unchecked")
    Encoder<ILoggingEvent> encoder = ((ConsoleAppender<ILoggingEvent>) context.getLogger("ROOT").getAppender("json"))
        .getEncoder();
    LoggingEvent event = new LoggingEvent("dev.shopstream.Test", context.getLogger("dev.shopstream.pipeline.Worker"),
        Level.WARN, "parked record {}", new IllegalStateException("boom"), new Object[] {"42"});
    event.setMDCPropertyMap(Map.of("shard", "shardId-0001", "sequenceNumber", "100200"));

    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);

    assertThat(line).endsWith("\n").doesNotContain("\n\t");
    assertThat(line.strip()).doesNotContain("\n");
    JsonNode json = new ObjectMapper().readTree(line);
    assertThat(json.get("@timestamp").asText()).matches("\\d{4}-\\d{2}-\\d{2}T.*");
    assertThat(json.get("level").asText()).isEqualTo("WARN");
    assertThat(json.get("logger_name").asText()).isEqualTo("dev.shopstream.pipeline.Worker");
    assertThat(json.get("message").asText()).isEqualTo("parked record 42");
    assertThat(json.get("shard").asText()).isEqualTo("shardId-0001");
    assertThat(json.get("sequenceNumber").asText()).isEqualTo("100200");
    assertThat(json.get("stack_trace").asText()).contains("IllegalStateException: boom");
    context.stop();
  }
}
