package dev.glimpse.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README stays true: every key the loader reads is documented, and the sample error is what we print. */
class DocumentationTest {
  static String readme() throws Exception {
    return Files.readString(Path.of("README.md"));
  }

  @Test
  void everyKeyOfAFullConfigIsDocumented() throws Exception {
    String readme = readme();
    List<String> keys = new ArrayList<>();
    collectKeys(new YAMLMapper().readTree(ConfigLoaderTest.FULL), keys);
    assertTrue(keys.size() > 60, "the full config should exercise every key, found " + keys.size());
    for (String key : keys) {
      assertTrue(readme.contains("`" + key + "`") || readme.contains("." + key + "`")
          || readme.contains("`" + key + ".") || readme.contains("`" + key + "`, `"), "README lacks `" + key + "`");
    }
  }

  @Test
  void sampleErrorInTheReadmeIsTheLoadersOutput() throws Exception {
    String readme = readme();
    int start = readme.indexOf("```\n") + 4;
    String sample = readme.substring(start, readme.indexOf("```", start)).strip();
    ConfigException e = ConfigTesting.problems(ProblemReportTest.TEN_PROBLEMS);
    assertEquals(sample, e.getMessage());
  }

  private static void collectKeys(JsonNode node, List<String> out) {
    if (node.isObject()) {
      for (var p : node.properties()) {
        out.add(p.getKey());
        collectKeys(p.getValue(), out);
      }
    } else if (node.isArray()) {
      for (JsonNode item : node) collectKeys(item, out);
    }
  }
}
