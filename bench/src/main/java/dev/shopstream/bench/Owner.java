package dev.shopstream.bench;

import java.util.List;

/** Whose code a stack frame is, by its class's package: the columns of the profile's split. */
enum Owner {
  SDK("AWS SDK (HTTP, unmarshalling)", "software.amazon.awssdk.", "org.apache.http.", "org.apache.hc."),
  ADAPTER("Streams adapter", "com.amazonaws.services.dynamodbv2.streamsadapter."),
  KCL("KCL", "software.amazon.kinesis."),
  JACKSON("Jackson", "com.fasterxml.jackson.", "tools.jackson."),
  NETTY("Netty", "io.netty."),
  ENGINE("shop-stream", "dev.shopstream."),
  METRICS("Micrometer", "io.micrometer.", "io.prometheus."),
  LOGGING("logging", "ch.qos.logback.", "org.slf4j.", "net.logstash."),
  OTHER("JDK / other");

  private static final List<String> JDK = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.");

  final String label;
  private final List<String> packages;

  Owner(String label, String... packages) {
    this.label = label;
    this.packages = List.of(packages);
  }

  static Owner of(String className) {
    for (Owner owner : values()) {
      if (owner.packages.stream().anyMatch(className::startsWith)) {
        return owner;
      }
    }
    return OTHER;
  }

  /** The JDK's own classes: a frame in them is charged to its first caller that is not (the other view). */
  static boolean isJdk(String className) {
    return JDK.stream().anyMatch(className::startsWith);
  }
}
