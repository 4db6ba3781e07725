package dev.shopstream.testkit.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * What an analytics warehouse does with the entity states, as the contract tells it to: reads the {@code *-state}
 * CloudEvents from a queue subscribed to the analytics topic (filter {@code kind = state}) and keeps, per
 * {@code subject}, the state or tombstone with the greatest {@code data.version} (compared as strings), dropping
 * an incoming one whose version is not greater. Tombstones are kept. Test tooling: never in the worker jar.
 */
public final class ReferenceSink implements AutoCloseable {
  /** One subject's current row: its version, whether it is deleted, its {@code data.state} (null when deleted). */
  public record Row(String version, boolean deleted, JsonNode state) {}

  private final SqsClient sqs;
  private final String queueUrl;
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, Row> rows = new ConcurrentHashMap<>();
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong applied = new AtomicLong();
  private final AtomicLong lastReceiveNanos = new AtomicLong(System.nanoTime());
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> readers = new ArrayList<>();

  private ReferenceSink(SqsClient sqs, String queueUrl) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
  }

  /** Starts {@code readers} threads receiving (and deleting) from {@code queueUrl} until {@link #close}. */
  public static ReferenceSink start(SqsClient sqs, String queueUrl, int readers) {
    ReferenceSink sink = new ReferenceSink(sqs, queueUrl);
    for (int i = 0; i < readers; i++) {
      Thread thread = new Thread(sink::readUntilClosed, "reference-sink-" + i);
      thread.setDaemon(true);
      sink.readers.add(thread);
      thread.start();
    }
    return sink;
  }

  private void readUntilClosed() {
    while (running.get()) {
      try {
        List<Message> batch = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
            .messages();
        if (batch.isEmpty()) {
          continue;
        }
        for (Message message : batch) {
          apply(message.body());
        }
        List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
          done.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
              .receiptHandle(batch.get(i).receiptHandle()).build());
        }
        sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(done));
        lastReceiveNanos.set(System.nanoTime());
      } catch (RuntimeException e) {
        if (running.get()) {
          sleep(200); // a passing emulator fault: the message comes back after its visibility timeout
        }
      }
    }
  }

  /** Applies one state event's body: last writer (greatest version) wins, per subject. */
  void apply(String body) {
    JsonNode event;
    try {
      event = json.readTree(body);
    } catch (IOException e) {
      throw new IllegalStateException("not a CloudEvent: " + body, e);
    }
    received.incrementAndGet();
    String subject = event.path("subject").asText();
    JsonNode data = event.path("data");
    Row incoming = new Row(data.path("version").asText(), data.path("deleted").asBoolean(),
        data.path("deleted").asBoolean() ? null : data.path("state"));
    rows.merge(subject, incoming, (current, next) -> next.version().compareTo(current.version()) > 0 ? next : current);
    if (rows.get(subject) == incoming) {
      applied.incrementAndGet();
    }
  }

  /** A copy of the table: subject to its current row, tombstones included. */
  public Map<String, Row> rows() {
    return Map.copyOf(rows);
  }

  /** State events received so far. */
  public long received() {
    return received.get();
  }

  /** Of them, how many replaced the row (the rest had a version not greater than the one kept). */
  public long applied() {
    return applied.get();
  }

  /** Milliseconds since the last message arrived. */
  public long quietMillis() {
    return (System.nanoTime() - lastReceiveNanos.get()) / 1_000_000;
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    for (Thread reader : readers) {
      reader.join(5000);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
