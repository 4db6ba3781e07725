package dev.shopstream.settings;

import java.net.URI;
import java.util.Arrays;
import java.util.IllformedLocaleException;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * What a setting accepts: checks a raw value and says in words what is accepted. The words end up in
 * the error message and in the configuration table, so a range is written once.
 */
public interface Rule {

  /** @return null when {@code value} (trimmed, never null) is acceptable, else what is wrong with it */
  String problem(String value);

  /** What is accepted, for the key's description ("1..1024", "true or false"); empty when nothing to say. */
  String accepts();

  /** Anything, including empty. */
  static Rule any() {
    return of(v -> true, "", "");
  }

  static Rule nonBlank() {
    return of(v -> !v.isEmpty(), "must not be empty", "");
  }

  /** A whole number in {@code min..max}. */
  static Rule range(long min, long max) {
    return new Rule() {
      @Override
      public String problem(String value) {
        try {
          long parsed = Long.parseLong(value);
          return parsed < min || parsed > max ? "must be between " + min + " and " + max : null;
        } catch (NumberFormatException e) {
          return "must be a whole number between " + min + " and " + max;
        }
      }

      @Override
      public String accepts() {
        return min + ".." + max;
      }
    };
  }

  static Rule flag() {
    return oneOf("true", "false");
  }

  /** One of {@code choices}, case-insensitive. */
  static Rule oneOf(String... choices) {
    List<String> accepted = List.of(choices);
    return of(v -> accepted.stream().anyMatch(c -> c.equalsIgnoreCase(v)),
        choices.length == 2 ? "must be " + choices[0] + " or " + choices[1] : "must be one of " + accepted,
        String.join(" or ", accepted));
  }

  static <E extends Enum<E>> Rule oneOf(Class<E> type) {
    return oneOf(Arrays.stream(type.getEnumConstants()).map(Enum::name).toArray(String[]::new));
  }

  /** Empty, or an absolute http(s) URL with a host. */
  static Rule optionalUrl() {
    return of(v -> v.isEmpty() || isHttpUrl(v),
        "must be an http:// or https:// URL with a host, e.g. http://127.0.0.1:8000", "");
  }

  /**
   * Empty, or an SNS topic ARN ({@code arn:aws:sns:<region>:<account>:<name>}); FIFO topics end in .fifo.
   *
   * @param fifoOnly only a FIFO topic will do; otherwise a standard or a FIFO topic
   */
  static Rule optionalSnsTopicArn(boolean fifoOnly) {
    String what = fifoOnly ? "an SNS FIFO topic ARN like arn:aws:sns:eu-west-1:123456789012:analytics.fifo"
        : "an SNS topic ARN (standard or FIFO) like arn:aws:sns:eu-west-1:123456789012:waitlist.fifo";
    return of(v -> v.isEmpty() || v.matches("arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,256}"
        + (fifoOnly ? "\\.fifo" : "(\\.fifo)?")), "must be " + what, "");
  }

  /** Empty, or an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>, or a local emulator's). */
  static Rule optionalQueueUrl() {
    return of(v -> v.isEmpty() || v.matches("https?://[^/\\s]+/[^/\\s]+/[A-Za-z0-9_-]{1,80}(\\.fifo)?"),
        "must be an SQS queue URL like https://sqs.eu-west-1.amazonaws.com/123456789012/shop-dlq", "");
  }

  /** Empty, or at least {@code length} characters (a secret: the message never repeats the value). */
  static Rule optionalMinLength(int length) {
    return of(v -> v.isEmpty() || v.length() >= length, "must have at least " + length + " characters", "");
  }

  /** An IETF language tag such as en-US. */
  static Rule languageTag() {
    return of(v -> {
      try {
        new Locale.Builder().setLanguageTag(v).build();
        return !v.isEmpty();
      } catch (IllformedLocaleException e) {
        return false;
      }
    }, "is not an IETF language tag like en-US or de-DE", "");
  }

  /** Matches {@code regex}; {@code words} says what that means. */
  static Rule pattern(String regex, String words) {
    return of(v -> v.matches(regex), "must be " + words, "");
  }

  static Rule of(Predicate<String> ok, String problem, String accepts) {
    return new Rule() {
      @Override
      public String problem(String value) {
        return ok.test(value) ? null : problem;
      }

      @Override
      public String accepts() {
        return accepts;
      }
    };
  }

  private static boolean isHttpUrl(String value) {
    try {
      URI uri = URI.create(value);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
