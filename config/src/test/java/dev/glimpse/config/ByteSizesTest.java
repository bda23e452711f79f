package dev.glimpse.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ByteSizesTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "1MiB | 1048576", "64KiB | 65536", "1.5MiB | 1572864", "512B | 512", "512 | 512", "'2 GiB' | 2147483648",
      "1TiB | 1099511627776", "1kB | 1000", "1KB | 1000", "1MB | 1000000", "1.5GB | 1500000000", "0 | 0",
      "0B | 0", "'  8KiB ' | 8192", "0.5KiB | 512"})
  void parsesWhatPeopleWrite(String text, long bytes) {
    assertEquals(bytes, ByteSizes.parse(text));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "1mib | unknown size unit 'mib' in '1mib' (expected one of B, KiB, MiB, GiB, TiB, kB, KB, MB, GB, TB); did "
          + "you mean 'MiB'?",
      "3XB | unknown size unit 'XB' in '3XB' (expected one of B, KiB, MiB, GiB, TiB, kB, KB, MB, GB, TB)",
      "1.5B | not a whole number of bytes: '1.5B' = 1.5 B",
      "1.1KiB | not a whole number of bytes: '1.1KiB' = 1126.4 B",
      "-1KiB | must not be negative, got '-1KiB'",
      "'' | expected a size such as 64KiB, 1MiB or 1048576 (bytes), got ''",
      "lots | expected a size such as 64KiB, 1MiB or 1048576 (bytes), got 'lots'",
      "1 MiB extra | expected a size such as 64KiB, 1MiB or 1048576 (bytes), got '1 MiB extra'",
      "99999999TiB | too large: '99999999TiB'"})
  void rejectsWithAReason(String text, String message) {
    assertEquals(message, assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse(text)).getMessage());
  }

  @ParameterizedTest
  @CsvSource({"1048576, 1MiB", "65536, 64KiB", "1572864, 1536KiB", "1000, 1000B", "0, 0B", "1073741824, 1GiB"})
  void formatsExactlyAndReadsBack(long bytes, String text) {
    assertEquals(text, ByteSizes.format(bytes));
    assertEquals(bytes, ByteSizes.parse(ByteSizes.format(bytes)));
  }

  @Test
  void loaderTakesIntegersAndUnitsAndChecksTheRange() {
    assertEquals(4096, ConfigLoader.parse("http: {max_body_bytes: 4096}", "a.yaml").http().maxBodyBytes());
    assertEquals(65536, ConfigLoader.parse("http: {max_body_bytes: 64KiB}", "a.yaml").http().maxBodyBytes());
    assertEquals(List.of("http.max_body_bytes: must be in 1KiB..1GiB, got 2GiB"),
        ConfigTesting.lines(ConfigTesting.problems("http: {max_body_bytes: 2GiB}")));
    assertEquals(List.of("http.max_body_bytes: must not be negative, got -5"),
        ConfigTesting.lines(ConfigTesting.problems("http: {max_body_bytes: -5}")));
  }
}
