package dev.glimpse.config;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.function.Supplier;

/** Helpers shared by the tests. */
final class ConfigTesting {
  private ConfigTesting() {}

  /** The exception {@code yaml} must produce. */
  static ConfigException problems(String yaml) {
    return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "config.yaml"));
  }

  /** The exception a record constructor must throw. */
  static ConfigException rejected(Supplier<?> constructor) {
    return assertThrows(ConfigException.class, constructor::get);
  }

  /** Each problem as printed: {@code path: message}. */
  static List<String> lines(ConfigException e) {
    return e.problems().stream().map(Problem::toString).toList();
  }
}
