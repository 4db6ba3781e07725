package dev.shopstream.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StateVersionTest {

  @Test
  void theWireFormIsFixedWidthAndRoundTrips() {
    StateVersion change = StateVersion.ofStream(Instant.parse("2026-11-24T10:15:00.700Z"), "000000000000000000009");
    assertThat(change.toString()).isEqualTo("001795515300.1.0000000000000000000000000000000000000009")
        .matches(StateVersion.PATTERN);
    assertThat(StateVersion.parse(change.toString())).isEqualTo(change);
    assertThat(StateVersion.ofSnapshot(Instant.parse("2026-11-24T10:15:00Z")).toString())
        .isEqualTo("001795515300.0.0000000000000000000000000000000000000000");
  }

  @Test
  void ordersBySecondThenSnapshotBeforeStreamThenSequenceAsANumber() {
    Instant second = Instant.parse("2026-11-24T10:15:00Z");
    StateVersion row = StateVersion.ofSnapshot(second);
    StateVersion sameSecondChange = StateVersion.ofStream(second.plusMillis(900), "9");
    StateVersion laterInSecond = StateVersion.ofStream(second, "10"); // 10 > 9 as numbers, not as text
    StateVersion earlierSecond = StateVersion.ofStream(second.minusSeconds(1), "99999999999999999999999");
    StateVersion nextSecond = StateVersion.ofSnapshot(second.plusSeconds(1));

    List<StateVersion> sorted = new ArrayList<>(List.of(nextSecond, laterInSecond, row, earlierSecond,
        sameSecondChange));
    Collections.sort(sorted);
    assertThat(sorted).containsExactly(earlierSecond, row, sameSecondChange, laterInSecond, nextSecond);
    // comparing the wire forms as strings gives the same order, which is what consumers do
    assertThat(sorted.stream().map(StateVersion::toString).sorted().toList())
        .isEqualTo(sorted.stream().map(StateVersion::toString).toList());
  }

  @Test
  void refusesWhatIsNotAVersion() {
    assertThatThrownBy(() -> StateVersion.parse("1.1.1")).hasMessageContaining("not a state version");
    assertThatThrownBy(() -> StateVersion.ofStream(Instant.EPOCH, "12a")).hasMessageContaining("1 to 40 digits");
    assertThatThrownBy(() -> StateVersion.ofStream(Instant.EPOCH, "1".repeat(41)))
        .hasMessageContaining("1 to 40 digits");
    assertThatThrownBy(() -> StateVersion.ofSnapshot(Instant.EPOCH.minusSeconds(1)))
        .hasMessageContaining("between 1970");
  }

  /**
   * The handover, proven over many random histories: whatever the order in which a consumer receives
   * the snapshot rows and the stream's changes, upserting last-writer-wins by version ends in the
   * table's final state, as long as the stream is read from the export's second on. The export holds
   * every write of an earlier second and any prefix of the later ones (AWS: some of the export's own
   * second; moto: whatever it read after the export time).
   */
  @Test
  void lastWriterWinsMakesTheOrderOfSnapshotRowsAndStreamChangesIrrelevant() {
    assertThat(counterexamples(0, 20_000)).isZero();
  }

  @Test
  void theProofCanFail_aStreamReadFromAfterTheExportLosesChanges() {
    assertThat(counterexamples(1, 5_000)).isPositive();
  }

  @Test
  void theProofCanFail_snapshotRowsWinningTheirSecondWouldKeepStaleState() {
    Comparator<Write> snapshotWinsItsSecond = Comparator.<Write>comparingLong(w -> w.version.epochSecond())
        .thenComparing(w -> w.version.origin() == StateVersion.Origin.SNAPSHOT ? 1 : 0)
        .thenComparing(w -> w.version.sequenceNumber());
    assertThat(counterexamples(0, 20_000, snapshotWinsItsSecond)).isPositive();
  }

  /** One state of one item: its value (null: deleted) and version. */
  private record Write(StateVersion version, Integer value) {}

  private static int counterexamples(int streamStartsSecondsLate, int runs) {
    return counterexamples(streamStartsSecondsLate, runs, Comparator.comparing(Write::version));
  }

  /**
   * @param streamStartsSecondsLate 0: the stream is read from the export's second; more: from later (a gap)
   * @return how many random histories ended in a state other than the table's
   */
  private static int counterexamples(int streamStartsSecondsLate, int runs, Comparator<Write> order) {
    Random random = new Random(20);
    int failures = 0;
    for (int run = 0; run < runs; run++) {
      long base = 1_764_000_000L;
      // the item's writes: a few per second over a few seconds; value null is a delete
      List<Write> writes = new ArrayList<>();
      long sequence = 100;
      for (long second = base; second < base + 5; second++) {
        int inSecond = random.nextInt(3);
        for (int i = 0; i < inSecond; i++) {
          sequence += 1 + random.nextInt(50);
          Integer value = random.nextInt(5) == 0 ? null : random.nextInt(1000);
          writes.add(new Write(StateVersion.ofStream(Instant.ofEpochSecond(second, random.nextInt(1_000_000_000)),
              Long.toString(sequence)), value));
        }
      }
      long exportSecond = base + random.nextInt(5);
      // the export reflects every write before its second and a prefix of the rest
      int mustInclude = (int) writes.stream().filter(w -> w.version.epochSecond() < exportSecond).count();
      int included = mustInclude + random.nextInt(writes.size() - mustInclude + 1);
      Integer exported = included == 0 ? null : writes.get(included - 1).value();
      List<Write> delivered = new ArrayList<>();
      if (exported != null) { // a deleted (or never written) item has no row
        delivered.add(new Write(StateVersion.ofSnapshot(Instant.ofEpochSecond(exportSecond)), exported));
      }
      // the stream is read from the export's second (or the one before) on: every change from there
      long streamFrom = exportSecond + streamStartsSecondsLate - (streamStartsSecondsLate == 0 ? random.nextInt(2) : 0);
      writes.stream().filter(w -> w.version.epochSecond() >= streamFrom).forEach(delivered::add);
      Collections.shuffle(delivered, random);

      Map<String, Write> sink = new HashMap<>();
      for (Write write : delivered) {
        Write kept = sink.get("item");
        if (kept == null || order.compare(write, kept) > 0) {
          sink.put("item", write); // tombstones are kept with their version
        }
      }
      Integer truth = writes.isEmpty() ? null : writes.get(writes.size() - 1).value();
      Integer materialised = sink.containsKey("item") ? sink.get("item").value() : null;
      if (!Objects.equals(truth, materialised)) {
        failures++;
      }
    }
    return failures;
  }
}
