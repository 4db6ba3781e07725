package dev.shopstream.bench;

import dev.shopstream.local.aws.LocalShopStack;
import dev.shopstream.testkit.topology.StreamTopologyProxy;
import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * (l) {@code --parts profile}: the worker's CPU per record, and where it goes. The no-op drain of (b)
 * (and the analytics path beside it), each run the worker alone in its own JVM ({@link DrainWorker})
 * under JFR, with the image's JVM flags; the recording is read here. The stream is read through
 * {@link StreamTopologyProxy} (one shard, served from its in-memory copy, in this JVM): moto's slow
 * GetRecords (about a second per 1,000 records, far longer on a loaded machine) would otherwise bound
 * the drain, and the worker's fixed CPU per second would be spread over fewer records. Each figure is
 * measured for this build and for a baseline commit's build in the same run, alternately, on the same
 * records.
 */
final class ProfileBench {
  /** The image's JVM flags. */
  static final List<String> JVM_FLAGS = List.of("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError");
  /** For the measurement only: compiler threads that come and go would take their CPU with them. */
  private static final List<String> MEASURING_FLAGS = List.of("-XX:-UseDynamicNumberOfCompilerThreads");
  private static final Path DIR = Path.of("bench", "target", "profile");
  private static final int TOP_FRAMES = 15;
  /** Passes over the stream per JVM: the first cold, the others (summed) warming to the steady state. */
  static final int PASSES = 4;
  private static final List<String> KINDS = List.of(ThreadCpu.JAVA, ThreadCpu.JIT, ThreadCpu.GC, ThreadCpu.JFR);

  private final Report report;
  private final LocalShopStack stack;
  private int runs;

  /** One build of the worker: this one, or a baseline commit's. */
  record Build(String name, String classPath) {}

  /** One pass of a drain: CPU per record from the process, the rest from its recording. */
  record Pass(Build build, String handlers, String pass, long records, double seconds, long cpuNanos,
      Map<String, Long> cpuByKind, long publishBatches, long publishBatchEntries, JfrProfile profile, String load) {
    double micros() {
      return cpuNanos / 1e3 / Math.max(1, records);
    }

    /** CPU per record of one kind of thread ({@link ThreadCpu}). */
    double micros(String kind) {
      return cpuByKind.getOrDefault(kind, 0L) / 1e3 / Math.max(1, records);
    }

    double perThousand(long count) {
      return count * 1000.0 / Math.max(1, records);
    }
  }

  /** The worker's CPU once every record is handled: ms per second in all, and by thread. */
  record Idle(Build build, String handlers, double millisPerSecond, Map<String, Double> byThread) {}

  private final List<Pass> passes = new ArrayList<>();
  private final List<Idle> idles = new ArrayList<>();

  private ProfileBench(Report report, LocalShopStack stack) {
    this.report = report;
    this.stack = stack;
  }

  /**
   * @param baseline a commit to measure against ("none": this build alone)
   * @param records the records of the stream already written
   */
  static void run(Report report, LocalShopStack stack, int records, String baseline, int rounds) throws Exception {
    new ProfileBench(report, stack).compare(records, baseline, rounds);
  }

  private void compare(int records, String baselineRef, int rounds) throws Exception {
    List<Build> builds = new ArrayList<>();
    if (!"none".equals(baselineRef)) {
      String commit = BaselineBuild.commit(baselineRef);
      builds.add(new Build("baseline " + commit.substring(0, 7), BaselineBuild.classPath(commit)));
    }
    builds.add(new Build("this build", System.getProperty("java.class.path")));
    report.section("(l) profile: worker CPU per record, the worker alone in its own JVM (flags " + String.join(" ",
        JVM_FLAGS) + ", Prometheus registry, JSON logs), the stream served from memory by the topology proxy, JFR "
        + "(execution samples every " + DrainWorker.SAMPLE_PERIOD.toMillis() + " ms); each JVM reads the " + records
        + " records from TRIM_HORIZON " + PASSES + " times, each a new application measured from the end of its first "
        + "GetRecords: cold (the first), then hot (the others, summed); builds alternating, the first one first in "
        + "odd rounds, last in even ones, " + rounds + " round(s)");
    try (StreamTopologyProxy proxy = StreamTopologyProxy.start(stack.moto.endpoint(), LocalShopStack.TABLE, 1)) {
      long copied = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (proxy.recordsRead() < records && System.nanoTime() < copied) {
        Thread.sleep(50);
      }
      for (String handlers : List.of(NoopHandler.NAME, "analytics")) {
        for (int round = 0; round < rounds; round++) {
          // the order turns each round: the local services (fauxqs, moto) grow busier as a run goes on
          List<Build> order = new ArrayList<>(builds);
          if (round % 2 == 1) {
            Collections.reverse(order);
          }
          for (Build build : order) {
            drain(build, handlers, records, proxy);
          }
        }
      }
    }
    figures(builds);
    for (String handlers : List.of(NoopHandler.NAME, "analytics")) {
      split(handlers, hot(handlers));
    }
    topFrames(hot(NoopHandler.NAME));
    threadStarts(hot(NoopHandler.NAME));
    idle();
    report.line("recordings: " + DIR + " (open with JDK Mission Control, or `jfr print`)");
  }

  private List<Pass> hot(String handlers) {
    return passes.stream().filter(p -> p.handlers.equals(handlers) && p.pass.equals(DrainWorker.HOT)).toList();
  }

  private void drain(Build build, String handlers, int records, StreamTopologyProxy stream) throws Exception {
    runs++;
    String application = "bench-profile-" + runs + "-" + System.currentTimeMillis();
    Map<String, String> env = StackBench.environment(stack, application, handlers, StackBench.DEFAULT_WINDOW);
    env.remove("SHOP_LOG_FORMAT"); // the product's JSON lines
    env.put("SHOP_DYNAMODB_ENDPOINT", stream.endpoint().toString());
    Files.createDirectories(DIR);
    String name = runs + "-" + handlers + "-" + build.name.replace(' ', '-');
    Path recording = DIR.resolve(name + ".jfr").toAbsolutePath();
    Path result = DIR.resolve(name + ".properties").toAbsolutePath();
    Path log = DIR.resolve(name + ".log");
    Files.deleteIfExists(result);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_FLAGS);
    command.addAll(MEASURING_FLAGS);
    command.add("-Dlogback.configurationFile=" + workerLogging(build.classPath));
    command.addAll(List.of("-cp", build.classPath, DrainWorker.class.getName(), Integer.toString(records),
        Integer.toString(PASSES), recording.toString(), result.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    String loadBefore = loadAverage();
    Process process = builder.start();
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("the drain of " + name + " did not end within 10 min; its log: " + log);
    }
    if (process.exitValue() != 0 || !Files.exists(result)) {
      throw new IllegalStateException("the drain of " + name + " failed (exit " + process.exitValue()
          + "); its log: " + log);
    }
    Properties figures = new Properties();
    try (Reader in = Files.newBufferedReader(result)) {
      figures.load(in);
    }
    String load = loadBefore + " -> " + loadAverage();
    for (String pass : List.of(DrainWorker.COLD, DrainWorker.HOT)) {
      List<JfrProfile.Window> windows = Arrays.stream(figures.getProperty(pass + ".windows").split(","))
          .map(JfrProfile.Window::parse).toList();
      double seconds = windows.stream().mapToLong(w -> w.to().toEpochMilli() - w.from().toEpochMilli()).sum() / 1e3;
      Map<String, Long> byKind = new LinkedHashMap<>();
      KINDS.forEach(kind -> byKind.put(kind, Long.parseLong(figures.getProperty(pass + ".cpuNanos." + kind, "0"))));
      Pass measured = new Pass(build, handlers, pass, Long.parseLong(figures.getProperty(pass + ".records")),
          seconds, Long.parseLong(figures.getProperty(pass + ".cpuNanos")), byKind,
          Long.parseLong(figures.getProperty(pass + ".publishBatches", "0")),
          Long.parseLong(figures.getProperty(pass + ".publishBatchEntries", "0")), JfrProfile.read(recording, windows),
          load);
      passes.add(measured);
      System.err.printf(Locale.ROOT, "  %s, %s, %s: %.0f us/record, %.0f in Java threads%n", build.name, handlers, pass,
          measured.micros(), measured.micros(ThreadCpu.JAVA));
    }
    double idleSeconds = Long.parseLong(figures.getProperty("idle.nanos")) / 1e9;
    Map<String, Double> byThread = new HashMap<>();
    figures.stringPropertyNames().stream().filter(key -> key.startsWith("idle.thread.")).forEach(key ->
        byThread.put(key.substring("idle.thread.".length()),
            Long.parseLong(figures.getProperty(key)) / 1e6 / idleSeconds));
    idles.add(new Idle(build, handlers, Long.parseLong(figures.getProperty("idle.cpuNanos")) / 1e6 / idleSeconds,
        byThread));
  }

  private void figures(List<Build> builds) {
    report.line("us/record: the worker process's CPU per record, of which the Java threads' (Java), the JIT "
        + "compilers', the GC's (and VM thread's) and JFR's; x base: against the first build's mean for the same "
        + "handlers and pass; SNS/batch: entries per PublishBatch call");
    report.line(String.format(Locale.ROOT, "%-18s %-10s %-5s %7s %9s %9s %7s %7s %7s %6s %5s %5s %7s %7s %9s  %s",
        "build", "handlers", "pass", "records", "records/s", "us/record", "x base", "Java", "x base", "JIT", "GC",
        "JFR", "thr/1k", "KB/rec", "SNS/batch", "load (1 min)"));
    for (Pass pass : passes) {
      List<Pass> base = passes.stream().filter(p -> p.handlers.equals(pass.handlers) && p.pass.equals(pass.pass)
          && p.build.equals(builds.get(0))).toList();
      double baseAll = base.stream().mapToDouble(Pass::micros).average().orElse(pass.micros());
      double baseJava = base.stream().mapToDouble(p -> p.micros(ThreadCpu.JAVA)).average()
          .orElse(pass.micros(ThreadCpu.JAVA));
      report.line(String.format(Locale.ROOT,
          "%-18s %-10s %-5s %7d %9.0f %9.0f %7.2f %7.0f %7.2f %6.0f %5.0f %5.0f %7.1f %7.1f %9s  %s",
          pass.build.name, pass.handlers, pass.pass, pass.records, pass.records / pass.seconds, pass.micros(),
          pass.micros() / baseAll, pass.micros(ThreadCpu.JAVA), pass.micros(ThreadCpu.JAVA) / baseJava,
          pass.micros(ThreadCpu.JIT), pass.micros(ThreadCpu.GC), pass.micros(ThreadCpu.JFR),
          pass.perThousand(pass.profile.threadStarts), pass.profile.allocatedBytes / 1024.0 / Math.max(1, pass.records),
          pass.publishBatches == 0 ? "-" : String.format(Locale.ROOT, "%.1f",
              pass.publishBatchEntries / (double) pass.publishBatches),
          pass.load));
    }
  }

  /** The samples' split by owner, two ways, and the marked frames' shares, one column per pass. */
  private void split(String handlers, List<Pass> hot) {
    report.line("");
    report.line("hot pass, " + handlers + ": execution samples, % by owner of the top-most frame / of the first frame "
        + "outside the JDK (java.*, jdk.*, sun.*: charged to their caller); in brackets, us per record (the second "
        + "share x the Java threads' CPU per record)");
    StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-32s", "owner"));
    hot.forEach(pass -> header.append(String.format(Locale.ROOT, " %26s", pass.build.name)));
    report.line(header.toString());
    for (Owner owner : Owner.values()) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-32s", owner.label));
      for (Pass pass : hot) {
        double top = share(pass.profile.byTopFrame.getOrDefault(owner, 0L), pass.profile.samples);
        double caller = share(pass.profile.byFirstNonJdkFrame.getOrDefault(owner, 0L), pass.profile.samples);
        line.append(String.format(Locale.ROOT, " %5.1f / %5.1f %%  [%4.0f us]", top, caller,
            caller / 100 * pass.micros(ThreadCpu.JAVA)));
      }
      report.line(line.toString());
    }
    row("samples", hot, pass -> String.format(Locale.ROOT, "%d", pass.profile.samples));
    row("allocated, KB per record", hot, pass -> String.format(Locale.ROOT, "%.1f",
        pass.profile.allocatedBytes / 1024.0 / Math.max(1, pass.records)));
    for (Owner owner : Owner.values()) {
      row("  of which " + owner.label, hot, pass -> String.format(Locale.ROOT, "%.1f",
          pass.profile.allocatedBy.getOrDefault(owner, 0L) / 1024.0 / Math.max(1, pass.records)));
    }
    report.line("frames anywhere on the stack, % of samples:");
    for (JfrProfile.Marker marker : JfrProfile.MARKERS) {
      row("  " + marker.label(), hot, pass -> String.format(Locale.ROOT, "%.1f %%",
          share(pass.profile.markers.getOrDefault(marker, 0L), pass.profile.samples)));
    }
    report.line("samples by thread, %:");
    hot.stream().flatMap(pass -> pass.profile.byThread.keySet().stream()).distinct()
        .sorted(Comparator.comparingLong((String t) ->
            -hot.stream().mapToLong(p -> p.profile.byThread.getOrDefault(t, 0L)).sum()))
        .limit(8).forEach(thread -> row("  " + thread, hot, pass -> String.format(Locale.ROOT, "%.1f %%",
            share(pass.profile.byThread.getOrDefault(thread, 0L), pass.profile.samples))));
  }

  private void row(String label, List<Pass> hot, Function<Pass, String> cell) {
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-32s", label));
    if (label.length() > 32) {
      report.line(label);
      line = new StringBuilder(String.format(Locale.ROOT, "%-32s", ""));
    }
    for (Pass pass : hot) {
      line.append(String.format(Locale.ROOT, " %26s", cell.apply(pass)));
    }
    report.line(line.toString());
  }

  private void topFrames(List<Pass> hot) {
    for (Pass pass : hot) {
      report.line("");
      report.line(String.format(Locale.ROOT, "top-most frames, no-op drain, hot pass, %s (%d samples, %.0f us/record, "
          + "%.0f in Java threads):", pass.build.name, pass.profile.samples, pass.micros(),
          pass.micros(ThreadCpu.JAVA)));
      pass.profile.topFrames.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .limit(TOP_FRAMES).forEach(frame -> report.line(String.format(Locale.ROOT, "  %5.1f %%  %-30s %s",
              share(frame.getValue(), pass.profile.samples), Owner.of(frame.getKey()).label, frame.getKey())));
    }
  }

  private void threadStarts(List<Pass> hot) {
    for (Pass pass : hot) {
      report.line("");
      report.line(String.format(Locale.ROOT, "threads started, no-op drain, hot pass, %s: %d (%.1f per 1,000 records), "
          + "by name <- starter:", pass.build.name, pass.profile.threadStarts,
          pass.perThousand(pass.profile.threadStarts)));
      pass.profile.threadStartsBy.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .limit(8).forEach(start -> report.line(String.format(Locale.ROOT, "  %5d  %s", start.getValue(),
          start.getKey())));
    }
  }

  private void idle() {
    report.line("");
    report.line("idle: the worker's CPU per second once every record is handled, by thread (ms per s; numbers in names "
        + "blanked; threads that ended in the " + DrainWorker.IDLE.toSeconds() + " s are missing):");
    for (Idle idle : idles) {
      report.line(String.format(Locale.ROOT, "  %s, %s: %.0f ms/s in all; %s", idle.build.name, idle.handlers,
          idle.millisPerSecond, String.join(", ", idle.byThread.entrySet().stream()
              .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(8)
              .map(e -> String.format(Locale.ROOT, "%s %.0f", e.getKey(), e.getValue())).toList())));
    }
  }

  private static double share(long part, long whole) {
    return 100.0 * part / Math.max(1, whole);
  }

  /** The worker's own logging configuration, from the pipeline module on {@code classPath}. */
  private static String workerLogging(String classPath) {
    String pipeline = Arrays.stream(classPath.split(File.pathSeparator))
        .filter(entry -> entry.contains(File.separator + "pipeline" + File.separator + "target" + File.separator))
        .findFirst().orElseThrow(() -> new IllegalStateException("no pipeline module on the class path " + classPath));
    return pipeline.endsWith(".jar") ? "jar:file:" + pipeline + "!/logback.xml" : pipeline + "/logback.xml";
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "?";
    }
  }
}
