package dev.shopstream.pipeline.kcl;

import java.util.List;
import java.util.Objects;

/**
 * The slices of the configuration the running worker reads, and nothing else.
 *
 * @param handlers the handlers' names, for the start-up line
 */
public record WorkerSettings(KclApplication application, StreamSettings stream, EngineSettings engine,
    KclSettings kcl, TrimmedDataPolicy trimmedData, List<String> handlers) {
  public WorkerSettings {
    Objects.requireNonNull(application, "application");
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(kcl, "kcl");
    Objects.requireNonNull(trimmedData, "trimmedData");
    handlers = List.copyOf(handlers);
  }
}
