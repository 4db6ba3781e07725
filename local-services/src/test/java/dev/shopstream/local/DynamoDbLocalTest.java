package dev.shopstream.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

class DynamoDbLocalTest {
  private static DynamoDbLocal local;

  @BeforeAll
  static void start() {
    local = DynamoDbLocal.start(Path.of("target", "local-services"));
  }

  @AfterAll
  static void stop() {
    local.close();
  }

  @Test
  void servesTheDynamoDbApiOnLoopback() {
    try (DynamoDbClient client = local.client()) {
      client.createTable(r -> r.tableName("probe").billingMode(BillingMode.PAY_PER_REQUEST)
          .attributeDefinitions(AttributeDefinition.builder().attributeName("id").attributeType(ScalarAttributeType.S).build())
          .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build()));
      assertThat(client.listTables().tableNames()).contains("probe");
    }
  }

  @Test
  void isNotReachableOnOtherInterfaces() throws IOException {
    Optional<InetAddress> external = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
        .flatMap(nic -> Collections.list(nic.getInetAddresses()).stream())
        .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress())
        .findFirst();
    org.junit.jupiter.api.Assumptions.assumeTrue(external.isPresent(), "machine has no non-loopback IPv4 address");
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(external.get(), local.port()), 500);
      throw new AssertionError("DynamoDB Local accepted a connection on " + external.get() + ":" + local.port());
    } catch (IOException expected) {
      assertThat(expected).hasMessageContaining("refused");
    }
  }

  @Test
  void exitsWhenStopped() throws Exception {
    DynamoDbLocal second = DynamoDbLocal.start(Path.of("target", "local-services"));
    long pid = second.pid();
    second.close();
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    assertThat(handle.map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }
}
