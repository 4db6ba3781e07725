package dev.shopstream.pipeline.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README is the front door: short, and every document under docs/ is linked from it. Every relative
 * link of the README and the docs reaches an existing file and, with an anchor, an existing heading
 * (GitHub's anchors: lower case, punctuation dropped, spaces as hyphens).
 */
class DocumentationLinksTest {
  private static final Path ROOT = Path.of("..");
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern CODE_SPAN = Pattern.compile("`[^`\\n]*`");
  private static final int README_MAX_LINES = 220;

  @Test
  void theReadmeIsShort() throws IOException {
    assertThat(Files.readAllLines(ROOT.resolve("README.md"))).as("README.md lines")
        .hasSizeLessThanOrEqualTo(README_MAX_LINES);
  }

  @Test
  void everyDocumentIsLinkedFromTheReadme() throws IOException {
    Set<Path> linked = new HashSet<>();
    for (String target : links(ROOT.resolve("README.md"))) {
      if (!isExternal(target) && !target.startsWith("#")) {
        linked.add(ROOT.resolve(stripAnchor(target)).normalize());
      }
    }
    assertThat(linked).as("documents the README links to").containsAll(documents().stream()
        .filter(doc -> !doc.getFileName().toString().equals("README.md")).map(Path::normalize).toList());
  }

  @Test
  void everyRelativeLinkReachesAFileAndItsHeading() throws IOException {
    List<String> broken = new ArrayList<>();
    Map<Path, Set<String>> anchors = new HashMap<>();
    for (Path doc : documents()) {
      for (String target : links(doc)) {
        if (isExternal(target)) {
          continue;
        }
        Path file = target.startsWith("#") ? doc : doc.resolveSibling(stripAnchor(target)).normalize();
        if (!Files.exists(file)) {
          broken.add(ROOT.relativize(doc) + ": " + target + " (no such file)");
          continue;
        }
        int hash = target.indexOf('#');
        if (hash >= 0 && file.toString().endsWith(".md")) {
          String anchor = target.substring(hash + 1);
          if (!anchors.computeIfAbsent(file, DocumentationLinksTest::headingAnchors).contains(anchor)) {
            broken.add(ROOT.relativize(doc) + ": " + target + " (no such heading)");
          }
        }
      }
    }
    assertThat(broken).as("broken relative links").isEmpty();
  }

  @Test
  void anchorsFollowGitHub() {
    assertThat(anchor("Running the stack by hand: `bin/local-aws`"))
        .isEqualTo("running-the-stack-by-hand-binlocal-aws");
    assertThat(anchor("(j) SES's send rate: a flash sale against a throttling SES"))
        .isEqualTo("j-sess-send-rate-a-flash-sale-against-a-throttling-ses");
    assertThat(anchor("Data model (single table)")).isEqualTo("data-model-single-table");
  }

  private static List<Path> documents() throws IOException {
    List<Path> all = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(all::add);
    }
    return all;
  }

  /** Link targets outside fenced code blocks and code spans. */
  private static List<String> links(Path doc) throws IOException {
    List<String> targets = new ArrayList<>();
    boolean fenced = false;
    for (String line : Files.readAllLines(doc)) {
      if (line.startsWith("```")) {
        fenced = !fenced;
        continue;
      }
      if (fenced) {
        continue;
      }
      Matcher link = LINK.matcher(CODE_SPAN.matcher(line).replaceAll(""));
      while (link.find()) {
        targets.add(link.group(1));
      }
    }
    return targets;
  }

  private static Set<String> headingAnchors(Path doc) {
    try {
      Set<String> anchors = new HashSet<>();
      Map<String, Integer> seen = new HashMap<>();
      boolean fenced = false;
      for (String line : Files.readAllLines(doc)) {
        if (line.startsWith("```")) {
          fenced = !fenced;
        } else if (!fenced && line.matches("#{1,6} .*")) {
          String base = anchor(line.replaceFirst("#+ ", ""));
          int count = seen.merge(base, 1, Integer::sum);
          anchors.add(count == 1 ? base : base + "-" + (count - 1));
        }
      }
      return anchors;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String anchor(String heading) {
    return heading.strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
  }

  private static boolean isExternal(String target) {
    return target.matches("[a-z]+:.*");
  }

  private static String stripAnchor(String target) {
    int hash = target.indexOf('#');
    return hash < 0 ? target : target.substring(0, hash);
  }
}
