package dev.shopstream.pipeline.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An OCI image tarball (as Jib's buildTar writes it: an OCI image layout) read with plain tar and JSON:
 * index.json, the manifest, the image config and the layers, in order. No skopeo/umoci needed.
 */
public final class OciImage {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path layout;
  private final JsonNode manifest;
  private final JsonNode config;

  private OciImage(Path layout, JsonNode manifest, JsonNode config) {
    this.layout = layout;
    this.manifest = manifest;
    this.config = config;
  }

  /** Extracts {@code tarball} into {@code layout} (an OCI image layout directory) and reads it. */
  public static OciImage open(Path tarball, Path layout) throws IOException, InterruptedException {
    Files.createDirectories(layout);
    run(List.of("tar", "-xf", tarball.toString(), "-C", layout.toString()));
    JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
    JsonNode manifest = JSON.readTree(blob(layout, index.get("manifests").get(0).get("digest").asText()).toFile());
    JsonNode config = JSON.readTree(blob(layout, manifest.get("config").get("digest").asText()).toFile());
    return new OciImage(layout, manifest, config);
  }

  /** The image config's {@code config} part: User, Entrypoint, Cmd, Env, ExposedPorts, WorkingDir, Labels. */
  public JsonNode runtime() {
    return config.get("config");
  }

  /** The build history entries' comments (Jib names each layer it adds: dependencies, classes, ...). */
  public List<String> historyComments() {
    List<String> comments = new ArrayList<>();
    config.get("history").forEach(entry -> comments.add(entry.path("comment").asText(entry.path("created_by").asText())));
    return comments;
  }

  public int layerCount() {
    return manifest.get("layers").size();
  }

  /** Applies the layers in order onto {@code rootfs}, keeping numeric owners and modes (needs root). */
  public void unpack(Path rootfs) throws IOException, InterruptedException {
    Files.createDirectories(rootfs);
    for (JsonNode layer : manifest.get("layers")) {
      run(List.of("tar", "--numeric-owner", "--same-permissions", "--warning=no-unknown-keyword", "-xzf",
          blob(layout, layer.get("digest").asText()).toString(), "-C", rootfs.toString()));
    }
  }

  public List<String> strings(String field) {
    List<String> values = new ArrayList<>();
    runtime().path(field).forEach(value -> values.add(value.asText()));
    return values;
  }

  private static Path blob(Path layout, String digest) {
    String[] parts = digest.split(":", 2);
    return layout.resolve("blobs").resolve(parts[0]).resolve(parts[1]);
  }

  static void run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + output);
    }
  }
}
