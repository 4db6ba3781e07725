package dev.shopstream.pipeline.processing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** An Error that kills any thread of the worker reaches the same end as one in the record path. */
class FatalErrorsTest {

  @Test
  void anErrorOnAnyThreadIsFatalAnotherExceptionIsOnlyLogged() throws Exception {
    List<Error> fatal = new CopyOnWriteArrayList<>();
    Thread.UncaughtExceptionHandler handler = FatalErrors.onAnyThread(fatal::add);

    Thread dies = new Thread(() -> {
      throw new StackOverflowError("injected");
    }, "sender-1");
    dies.setUncaughtExceptionHandler(handler);
    dies.start();
    dies.join();
    Thread fails = new Thread(() -> {
      throw new IllegalStateException("not fatal");
    }, "sender-2");
    fails.setUncaughtExceptionHandler(handler);
    fails.start();
    fails.join();

    assertThat(fatal).singleElement().isInstanceOf(StackOverflowError.class);
  }
}
