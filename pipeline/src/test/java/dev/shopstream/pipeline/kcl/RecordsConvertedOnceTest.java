package dev.shopstream.pipeline.kcl;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.dynamodbv2.streamsadapter.adapter.DynamoDBStreamsClientRecord;
import com.amazonaws.services.dynamodbv2.streamsadapter.adapter.DynamoDBStreamsGetRecordsResponseAdapter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

class RecordsConvertedOnceTest {
  private final GetRecordsResponse response = GetRecordsResponse.builder().nextShardIterator("next")
      .records(record("101", "USER#a"), record("102", "USER#b"), record("103", "USER#a")).build();

  @Test
  void givesKclWhatTheAdapterGivesItButTheJsonBytes() {
    List<KinesisClientRecord> adapters = new DynamoDBStreamsGetRecordsResponseAdapter(response).records();
    List<KinesisClientRecord> ours = new RecordsConvertedOnce(response).records();

    assertThat(ours).hasSameSizeAs(adapters);
    for (int i = 0; i < ours.size(); i++) {
      DynamoDBStreamsClientRecord expected = (DynamoDBStreamsClientRecord) adapters.get(i);
      DynamoDBStreamsClientRecord actual = (DynamoDBStreamsClientRecord) ours.get(i);
      assertThat(actual.getRecord()).isSameAs(expected.getRecord());
      assertThat(actual.sequenceNumber()).isEqualTo(expected.sequenceNumber());
      assertThat(actual.partitionKey()).isEqualTo(expected.partitionKey());
      assertThat(actual.approximateArrivalTimestamp()).isEqualTo(expected.approximateArrivalTimestamp());
      assertThat(actual.subSequenceNumber()).isEqualTo(expected.subSequenceNumber());
      assertThat(actual.aggregated()).isEqualTo(expected.aggregated());
      assertThat(actual.encryptionType()).isEqualTo(expected.encryptionType());
      assertThat(actual.explicitHashKey()).isEqualTo(expected.explicitHashKey());
      assertThat(actual.data().remaining()).as("the size KCL counts").isEqualTo(expected.data().remaining());
    }
  }

  @Test
  void convertsOnceAndHandsOutAListOfItsOwnEachCall() {
    RecordsConvertedOnce converted = new RecordsConvertedOnce(response);
    List<KinesisClientRecord> first = converted.records();
    first.remove(0); // what KCL does to records at or below the checkpoint
    List<KinesisClientRecord> second = converted.records();

    assertThat(second).hasSize(3);
    assertThat(second.get(1)).isSameAs(first.get(0));
    assertThat(converted.nextShardIterator()).isEqualTo("next");
  }

  @Test
  void eachRecordsDataIsAViewOfItsOwn() {
    List<KinesisClientRecord> records = new RecordsConvertedOnce(response).records();
    records.get(0).data().get(new byte[4]); // KCL's look for a KPL header moves the position

    assertThat(records.get(1).data().position()).isZero();
    assertThat(records.get(0).data().get(0)).isZero();
  }

  private static Record record(String sequenceNumber, String user) {
    return Record.builder().eventID("e-" + sequenceNumber).eventName("INSERT").awsRegion("us-east-1")
        .dynamodb(StreamRecord.builder().sequenceNumber(sequenceNumber).sizeBytes(60L)
            .approximateCreationDateTime(Instant.parse("2026-12-01T10:00:00Z"))
            .keys(Map.of("pk", AttributeValue.fromS(user), "sk", AttributeValue.fromS("PROFILE")))
            .newImage(Map.of("pk", AttributeValue.fromS(user), "sk", AttributeValue.fromS("PROFILE"),
                "email", AttributeValue.fromS(user + "@example.com")))
            .build())
        .build();
  }
}
