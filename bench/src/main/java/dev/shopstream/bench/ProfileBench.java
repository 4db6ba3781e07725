package dev.shopstream.bench;

import dev.shopstream.local.LocalShopStack;
import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * (l) {@code --parts profile}: the worker's CPU per record, and where it goes. The no-op drain of (b)
 * (and the analytics path beside it), each run the worker alone in its own JVM ({@link DrainWorker})
 * under JFR, with the image's JVM flags; the recording is read here. Each figure is measured for this
 * build and for a baseline commit's build in the same run, alternately, on the same stream.
 */
final class ProfileBench {
  /** The image's JVM flags. */
  static final List<String> JVM_FLAGS = List.of("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError");
  /** For the measurement only: compiler threads that come and go would take their CPU with them. */
  private static final List<String> MEASURING_FLAGS = List.of("-XX:-UseDynamicNumberOfCompilerThreads");
  private static final Path DIR = Path.of("bench", "target", "profile");
  private static final int TOP_FRAMES = 15;

  private final Report report;
  private final LocalShopStack stack;
  private int runs;

  /** One build of the worker: this one, or a baseline commit's. */
  record Build(String name, String classPath) {}

  /** One drain: CPU per record from the process, the rest from its recording. */
  record Run(Build build, String handlers, long records, double seconds, long cpuNanos, Map<String, Long> cpuByKind,
      double idleCpuMillisPerSecond, JfrProfile profile, String load) {
    double cpuMicrosPerRecord() {
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

  private ProfileBench(Report report, LocalShopStack stack) {
    this.report = report;
    this.stack = stack;
  }

  /**
   * @param baseline a commit to measure against ("none": this build alone)
   * @param records the records of the stream already written; the first half warms up
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
    int warmup = records / 2;
    report.section("(l) profile: worker CPU per record, the worker alone in its own JVM (flags " + String.join(" ",
        JVM_FLAGS) + ", Prometheus registry, JSON logs), JFR (execution samples every "
        + DrainWorker.SAMPLE_PERIOD.toMillis() + " ms), reading " + records + " records from TRIM_HORIZON; measured "
        + "from record " + warmup + " to the last; builds alternating, " + rounds + " round(s)");
    List<Run> all = new ArrayList<>();
    for (String handlers : List.of(NoopHandler.NAME, "analytics")) {
      for (int round = 0; round < rounds; round++) {
        for (Build build : builds) {
          all.add(drain(build, handlers, records, warmup));
        }
      }
    }
    figures(all, builds);
    for (String handlers : List.of(NoopHandler.NAME, "analytics")) {
      List<Run> runsOf = all.stream().filter(r -> r.handlers.equals(handlers)).toList();
      split(handlers, runsOf);
    }
    topFrames(all.stream().filter(r -> r.handlers.equals(NoopHandler.NAME)).toList());
    threadStarts(all.stream().filter(r -> r.handlers.equals(NoopHandler.NAME)).toList());
    report.line("recordings: " + DIR + " (open with JDK Mission Control, or `jfr print`)");
  }

  private Run drain(Build build, String handlers, int records, int warmup) throws Exception {
    runs++;
    String application = "bench-profile-" + runs + "-" + System.currentTimeMillis();
    Map<String, String> env = StackBench.environment(stack, application, handlers, StackBench.DEFAULT_WINDOW);
    env.remove("SHOP_LOG_FORMAT"); // the product's JSON lines
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
        Integer.toString(warmup), recording.toString(), result.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    String loadBefore = loadAverage();
    Process process = builder.start();
    if (!process.waitFor(6, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("the drain of " + name + " did not end within 6 min; its log: " + log);
    }
    if (process.exitValue() != 0 || !Files.exists(result)) {
      throw new IllegalStateException("the drain of " + name + " failed (exit " + process.exitValue() + "); its log: " + log);
    }
    Properties figures = new Properties();
    try (Reader in = Files.newBufferedReader(result)) {
      figures.load(in);
    }
    Instant from = Instant.parse(figures.getProperty("from"));
    Instant to = Instant.parse(figures.getProperty("to"));
    JfrProfile profile = JfrProfile.read(recording, from, to);
    Map<String, Long> byKind = new java.util.LinkedHashMap<>();
    for (String kind : List.of(ThreadCpu.JAVA, ThreadCpu.JIT, ThreadCpu.GC, ThreadCpu.JFR)) {
      byKind.put(kind, Long.parseLong(figures.getProperty("cpuNanos." + kind, "0")));
    }
    Run run = new Run(build, handlers, Long.parseLong(figures.getProperty("records")),
        (to.toEpochMilli() - from.toEpochMilli()) / 1e3, Long.parseLong(figures.getProperty("cpuNanos")), byKind,
        Long.parseLong(figures.getProperty("idleCpuNanos")) / 1e6 / (Long.parseLong(figures.getProperty("idleNanos")) / 1e9),
        profile, loadBefore + " -> " + loadAverage());
    System.err.printf(Locale.ROOT, "  %s, %s: %.0f us/record, %.0f in Java threads%n", build.name, handlers,
        run.cpuMicrosPerRecord(), run.micros(ThreadCpu.JAVA));
    return run;
  }

  private void figures(List<Run> all, List<Build> builds) {
    report.line("us/record: the worker process's CPU per record measured, of which the Java threads' (Java), the JIT "
        + "compilers', the GC's (and VM thread's) and JFR's; x base: against the first build's mean in this run; idle: "
        + "the worker's CPU per second once every record is handled (empty polls, leases), ms per s");
    report.line(String.format(Locale.ROOT, "%-18s %-10s %7s %9s %9s %7s %7s %6s %6s %5s %8s %8s %9s %9s %7s  %s", "build",
        "handlers", "records", "records/s", "us/record", "x base", "Java", "x base", "JIT", "GC", "JFR", "thr/1k",
        "KB/rec", "JIT ms", "idle", "load (1 min)"));
    for (Run run : all) {
      List<Run> baseRuns = all.stream().filter(r -> r.handlers.equals(run.handlers) && r.build.equals(builds.get(0))).toList();
      double base = baseRuns.stream().mapToDouble(Run::cpuMicrosPerRecord).average().orElse(run.cpuMicrosPerRecord());
      double baseJava = baseRuns.stream().mapToDouble(r -> r.micros(ThreadCpu.JAVA)).average()
          .orElse(run.micros(ThreadCpu.JAVA));
      report.line(String.format(Locale.ROOT, "%-18s %-10s %7d %9.0f %9.0f %7.2f %7.0f %6.2f %6.0f %5.0f %8.0f %8.1f %9.1f %9d %7.1f  %s",
          run.build.name, run.handlers, run.records, run.records / run.seconds, run.cpuMicrosPerRecord(),
          run.cpuMicrosPerRecord() / base, run.micros(ThreadCpu.JAVA), run.micros(ThreadCpu.JAVA) / baseJava,
          run.micros(ThreadCpu.JIT), run.micros(ThreadCpu.GC), run.micros(ThreadCpu.JFR),
          run.perThousand(run.profile.threadStarts), run.profile.allocatedBytes / 1024.0 / Math.max(1, run.records),
          run.profile.compileMillis, run.idleCpuMillisPerSecond, run.load));
    }
  }

  /** The samples' split by owner, two ways, and the marked frames' shares, one column per run. */
  private void split(String handlers, List<Run> runsOf) {
    report.line("");
    report.line("execution samples of the " + handlers + " runs, % by owner: top-most frame / first frame outside "
        + "the JDK (java.*, jdk.*, sun.*: charged to their caller); in brackets, us per record (the second share x the "
        + "Java threads' CPU per record)");
    StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-32s", "owner"));
    runsOf.forEach(run -> header.append(String.format(Locale.ROOT, " %26s", run.build.name)));
    report.line(header.toString());
    for (Owner owner : Owner.values()) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-32s", owner.label));
      for (Run run : runsOf) {
        double top = share(run.profile.byTopFrame.getOrDefault(owner, 0L), run.profile.samples);
        double caller = share(run.profile.byFirstNonJdkFrame.getOrDefault(owner, 0L), run.profile.samples);
        line.append(String.format(Locale.ROOT, " %5.1f / %5.1f %%  [%4.0f us]", top, caller,
            caller / 100 * run.micros(ThreadCpu.JAVA)));
      }
      report.line(line.toString());
    }
    samplesRow("samples", runsOf, run -> String.format(Locale.ROOT, "%d", run.profile.samples));
    samplesRow("allocated, KB per record", runsOf, run -> String.format(Locale.ROOT, "%.1f",
        run.profile.allocatedBytes / 1024.0 / Math.max(1, run.records)));
    for (Owner owner : Owner.values()) {
      samplesRow("  of which " + owner.label, runsOf, run -> String.format(Locale.ROOT, "%.1f",
          run.profile.allocatedBy.getOrDefault(owner, 0L) / 1024.0 / Math.max(1, run.records)));
    }
    report.line("frames anywhere on the stack, % of samples:");
    for (JfrProfile.Marker marker : JfrProfile.MARKERS) {
      samplesRow("  " + marker.label(), runsOf, run -> String.format(Locale.ROOT, "%.1f %%",
          share(run.profile.markers.getOrDefault(marker, 0L), run.profile.samples)));
    }
    report.line("samples by thread, %:");
    runsOf.stream().flatMap(run -> run.profile.byThread.keySet().stream()).distinct()
        .sorted(Comparator.comparingLong((String t) -> -runsOf.stream().mapToLong(r -> r.profile.byThread.getOrDefault(t, 0L)).sum()))
        .limit(8).forEach(thread -> samplesRow("  " + thread, runsOf, run -> String.format(Locale.ROOT, "%.1f %%",
            share(run.profile.byThread.getOrDefault(thread, 0L), run.profile.samples))));
  }

  private void samplesRow(String label, List<Run> runsOf, Function<Run, String> cell) {
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-32s", label));
    if (label.length() > 32) {
      report.line(label);
      line = new StringBuilder(String.format(Locale.ROOT, "%-32s", ""));
    }
    for (Run run : runsOf) {
      line.append(String.format(Locale.ROOT, " %26s", cell.apply(run)));
    }
    report.line(line.toString());
  }

  private void topFrames(List<Run> noop) {
    for (Run run : noop) {
      report.line("");
      report.line(String.format(Locale.ROOT, "top-most frames, no-op drain, %s (%d samples, %.0f us/record):",
          run.build.name, run.profile.samples, run.cpuMicrosPerRecord()));
      run.profile.topFrames.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(TOP_FRAMES)
          .forEach(frame -> report.line(String.format(Locale.ROOT, "  %5.1f %%  %-22s %s",
              share(frame.getValue(), run.profile.samples), Owner.of(frame.getKey()).label, frame.getKey())));
    }
  }

  private void threadStarts(List<Run> noop) {
    for (Run run : noop) {
      report.line("");
      report.line(String.format(Locale.ROOT, "threads started, no-op drain, %s: %d (%.1f per 1,000 records), by name <- starter:",
          run.build.name, run.profile.threadStarts, run.perThousand(run.profile.threadStarts)));
      run.profile.threadStartsBy.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
          .forEach(start -> report.line(String.format(Locale.ROOT, "  %5d  %s", start.getValue(), start.getKey())));
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
