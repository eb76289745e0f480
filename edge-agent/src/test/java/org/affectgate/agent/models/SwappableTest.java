package org.affectgate.agent.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The reference-counted holder: a value is closed after its last borrower, never under one. */
class SwappableTest {
  static final class Model implements AutoCloseable {
    final String name;
    final AtomicInteger closed = new AtomicInteger();

    Model(String name) {
      this.name = name;
    }

    @Override
    public void close() {
      closed.incrementAndGet();
    }
  }

  @Test
  void swapWhileBorrowed_oldClosedOnlyWhenBorrowerReturns() throws Exception {
    Model a = new Model("a");
    Model b = new Model("b");
    Swappable<Model> holder = new Swappable<>(a);
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger closedWhileInside = new AtomicInteger(-1);
    Thread t =
        new Thread(
            () -> {
              try {
                holder.use(
                    m -> {
                      inside.countDown();
                      release.await();
                      closedWhileInside.set(m.closed.get());
                      return null;
                    });
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    t.start();
    inside.await();

    holder.swap(b);

    assertThat(a.closed.get()).as("borrowed: not closed yet").isZero();
    String name = holder.use(m -> m.name);
    assertThat(name).isEqualTo("b");
    release.countDown();
    t.join();
    assertThat(closedWhileInside.get()).isZero();
    assertThat(a.closed.get()).isEqualTo(1);
    assertThat(b.closed.get()).isZero();
  }

  @Test
  void swapWithNoBorrower_closesOldAtOnce() {
    Model a = new Model("a");
    Swappable<Model> holder = new Swappable<>(a);

    holder.swap(new Model("b"));

    assertThat(a.closed.get()).isEqualTo(1);
  }

  @Test
  void close_closesCurrentOnce_thenUseFailsAndSwapClosesTheNewValue() {
    Model a = new Model("a");
    Model late = new Model("late");
    Swappable<Model> holder = new Swappable<>(a);

    holder.close();
    holder.close();
    holder.swap(late);

    assertThat(a.closed.get()).isEqualTo(1);
    assertThat(late.closed.get()).isEqualTo(1);
    assertThatThrownBy(() -> holder.use(m -> m.name))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("model holder is closed");
  }

  @Test
  void emptyHolder_passesNullAndClosesNothing() {
    Swappable<Model> holder = new Swappable<>(null);

    String name = holder.use(m -> m == null ? "none" : m.name);
    assertThat(name).isEqualTo("none");
    holder.swap(null);
    holder.close();
  }
}
