package dev.shopstream.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * What a JFR recording of the worker says about some stretches of time, read with {@code jdk.jfr.consumer}:
 * execution samples by owner (of the top-most frame, and of the first frame outside the JDK), the
 * top-most frames, how many samples have a given frame anywhere on the stack, the threads started (and
 * by whom), and the bytes allocated (JFR's weighted allocation samples).
 */
final class JfrProfile {
  /** Frames whose share of the samples (anywhere on the stack) tells where a record's CPU goes. */
  static final List<Marker> MARKERS = List.of(
      new Marker("GetRecords call: HTTP + unmarshalling (DynamoDbStreamsClient.getRecords)",
          "software.amazon.awssdk.services.dynamodb.streams.DefaultDynamoDbStreamsClient", "getRecords"),
      new Marker("adapter: a stream record to JSON (DynamoDBStreamsClientRecord.fromRecord)",
          "com.amazonaws.services.dynamodbv2.streamsadapter.adapter.DynamoDBStreamsClientRecord", "fromRecord"),
      new Marker("KCL prefetch thread (PrefetchRecordsPublisher)",
          "software.amazon.kinesis.retrieval.polling.PrefetchRecordsPublisher", null),
      new Marker("KCL process task (ProcessTask, incl. our processRecords)",
          "software.amazon.kinesis.lifecycle.ProcessTask", null),
      new Marker("KCL leases, leader, worker metrics (leases.*, coordinator.*, worker.*)",
          "software.amazon.kinesis.leases.", null),
      new Marker("shop-stream KCL edge (ShardProcessor: convert, offer, checkpoint)",
          "dev.shopstream.pipeline.kcl.ShardProcessor", null),
      new Marker("shop-stream record work (RecordProcessor: diff, route, handler, metrics)",
          "dev.shopstream.pipeline.processing.RecordProcessor", null));

  /** A frame looked for anywhere on a sample's stack: a class (or package) prefix, and a method or any. */
  record Marker(String label, String classPrefix, String method) {
    boolean matches(RecordedFrame frame) {
      return frame.getMethod() != null && frame.getMethod().getType().getName().startsWith(classPrefix)
          && (method == null || method.equals(frame.getMethod().getName()));
    }
  }

  long samples;
  final Map<Owner, Long> byTopFrame = new EnumMap<>(Owner.class);
  final Map<Owner, Long> byFirstNonJdkFrame = new EnumMap<>(Owner.class);
  final Map<String, Long> topFrames = new HashMap<>();
  final Map<String, Long> byThread = new HashMap<>();
  final Map<Marker, Long> markers = new LinkedHashMap<>();
  long threadStarts;
  final Map<String, Long> threadStartsBy = new HashMap<>();
  long allocatedBytes;
  final Map<Owner, Long> allocatedBy = new EnumMap<>(Owner.class);
  long compilations;
  long compileMillis;
  long gcPauseMillis;

  private JfrProfile() {
    MARKERS.forEach(marker -> markers.put(marker, 0L));
  }

  /** A stretch of the recording: events that started within [from, to]. */
  record Window(Instant from, Instant to) {
    boolean holds(Instant at) {
      return !at.isBefore(from) && !at.isAfter(to);
    }

    /** "FROM/TO" (ISO instants). */
    static Window parse(String text) {
      String[] ends = text.split("/");
      return new Window(Instant.parse(ends[0]), Instant.parse(ends[1]));
    }
  }

  /** The events of {@code file} that started within one of {@code windows}. */
  static JfrProfile read(Path file, List<Window> windows) throws IOException {
    JfrProfile profile = new JfrProfile();
    try (RecordingFile recording = new RecordingFile(file)) {
      while (recording.hasMoreEvents()) {
        RecordedEvent event = recording.readEvent();
        Instant at = event.getStartTime();
        if (windows.stream().noneMatch(window -> window.holds(at))) {
          continue;
        }
        switch (event.getEventType().getName()) {
          case "jdk.ExecutionSample" -> profile.sample(event);
          case "jdk.ThreadStart" -> profile.threadStart(event);
          case "jdk.ObjectAllocationSample" -> profile.allocation(event);
          case "jdk.Compilation" -> {
            profile.compilations++;
            profile.compileMillis += event.getDuration().toMillis();
          }
          case "jdk.GarbageCollection" -> profile.gcPauseMillis += event.getDuration().toMillis();
          default -> { }
        }
      }
    }
    return profile;
  }

  private void sample(RecordedEvent event) {
    List<RecordedFrame> frames = frames(event.getStackTrace());
    if (frames.isEmpty()) {
      return;
    }
    samples++;
    RecordedFrame top = frames.get(0);
    String topClass = top.getMethod().getType().getName();
    byTopFrame.merge(Owner.of(topClass), 1L, Long::sum);
    byFirstNonJdkFrame.merge(firstNonJdkOwner(frames), 1L, Long::sum);
    topFrames.merge(topClass + "." + top.getMethod().getName(), 1L, Long::sum);
    RecordedThread thread = event.getThread("sampledThread");
    byThread.merge(threadGroup(thread), 1L, Long::sum);
    for (Marker marker : MARKERS) {
      if (frames.stream().anyMatch(marker::matches)) {
        markers.merge(marker, 1L, Long::sum);
      }
    }
  }

  private void threadStart(RecordedEvent event) {
    threadStarts++;
    List<RecordedFrame> frames = frames(event.getStackTrace());
    String starter = frames.stream().filter(f -> !Owner.isJdk(f.getMethod().getType().getName())).findFirst()
        .map(f -> simpleName(f.getMethod().getType().getName()) + "." + f.getMethod().getName()).orElse("(JDK)");
    threadStartsBy.merge(threadGroup(event.getThread("thread")) + " <- " + starter, 1L, Long::sum);
  }

  private void allocation(RecordedEvent event) {
    long weight = event.getLong("weight");
    allocatedBytes += weight;
    allocatedBy.merge(firstNonJdkOwner(frames(event.getStackTrace())), weight, Long::sum);
  }

  private static List<RecordedFrame> frames(RecordedStackTrace stack) {
    return stack == null ? List.of() : stack.getFrames().stream().filter(f -> f.getMethod() != null).toList();
  }

  private static Owner firstNonJdkOwner(List<RecordedFrame> frames) {
    for (RecordedFrame frame : frames) {
      String type = frame.getMethod().getType().getName();
      if (!Owner.isJdk(type)) {
        return Owner.of(type);
      }
    }
    return Owner.OTHER;
  }

  /** A thread's name with its numbers blanked: the pool or kind it belongs to. */
  private static String threadGroup(RecordedThread thread) {
    String name = thread == null ? null : thread.getJavaName();
    return name == null ? "(no name)" : name.replaceAll("[0-9]+", "N");
  }

  private static String simpleName(String className) {
    return className.substring(className.lastIndexOf('.') + 1);
  }
}
