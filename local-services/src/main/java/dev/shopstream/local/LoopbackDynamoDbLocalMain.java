package dev.shopstream.local;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Runs DynamoDB Local bound to 127.0.0.1 only (its own launcher always binds every interface).
 *
 * <p>Runs in its own JVM (see {@link DynamoDbLocal}); arguments are DynamoDB Local's own
 * ({@code -port N -inMemory}). Exits when its standard input closes, so it never outlives the
 * process that started it, even when that one is killed with SIGKILL.
 */
public final class LoopbackDynamoDbLocalMain {
  private LoopbackDynamoDbLocalMain() {}

  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field serverField = DynamoDBProxyServer.class.getDeclaredField("server");
    serverField.setAccessible(true);
    Server jetty = (Server) serverField.get(proxy);
    for (Connector connector : jetty.getConnectors()) {
      if (connector instanceof ServerConnector serverConnector) {
        serverConnector.setHost("127.0.0.1");
      }
    }
    proxy.start();
    System.out.println("DynamoDB Local listening on 127.0.0.1");
    System.out.flush();
    while (System.in.read() != -1) {
      // parent keeps stdin open while it wants us
    }
    Runtime.getRuntime().halt(0);
  }
}
