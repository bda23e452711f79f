package dev.glimpse.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Library resolution by soname reports every missing library with each attempt and the loader's reason. */
class CudaLibrariesTest {
  @TempDir Path tmp;

  private CudaLibraries.Search allMissing() {
    return CudaLibraries.Search.in(List.of(tmp))
        .withSonames(CudaLibraries.Library.DRIVER, "libglimpse-test-none-driver.so.1")
        .withSonames(CudaLibraries.Library.NVRTC, "libglimpse-test-none-nvrtc.so.13", "libglimpse-test-none-nvrtc.so.12")
        .withSonames(CudaLibraries.Library.CUBLAS_LT, "libglimpse-test-none-lt.so.13")
        .withSonames(CudaLibraries.Library.CUBLAS, "libglimpse-test-none-cublas.so.13");
  }

  @Test
  void everyMissingLibraryIsReportedWithEveryAttempt() {
    try (CudaLibraries libs = CudaLibraries.resolve(allMissing())) {
      assertFalse(libs.complete());
      assertEquals(4, libs.missing().size(), libs.report());
      String all = libs.missingSummary();
      for (String s : List.of("libglimpse-test-none-driver.so.1", "libglimpse-test-none-nvrtc.so.13",
          "libglimpse-test-none-nvrtc.so.12", "libglimpse-test-none-lt.so.13", "libglimpse-test-none-cublas.so.13")) {
        assertTrue(all.contains(s), s + " not in: " + all);
      }
      assertTrue(all.contains("cannot open shared object file"), "the loader's own reason: " + all);
      assertTrue(libs.report().contains("MISSING"), libs.report());
      CudaException e = assertThrows(CudaException.class, () -> libs.require(CudaLibraries.Library.CUBLAS));
      assertTrue(e.getMessage().contains("cuBLAS"), e.getMessage());
    }
  }

  @Test
  void aFileInAGivenDirectoryIsTriedBeforeTheLoaderPath() throws Exception {
    Path fake = Files.writeString(tmp.resolve("libglimpse-test-none-driver.so.1"), "not an ELF file");
    try (CudaLibraries libs = CudaLibraries.resolve(allMissing())) {
      String driver = libs.missing().getFirst().describe();
      assertTrue(driver.contains(fake.toString()), "the directory's file was tried: " + driver);
      assertTrue(driver.indexOf(fake.toString()) < driver.lastIndexOf("libglimpse-test-none-driver.so.1: "), driver);
    }
  }

  @Test
  void aPresentLibraryResolvesAndMissingSymbolsAreNamed() {
    CudaLibraries.Search s = allMissing().withSonames(CudaLibraries.Library.DRIVER, "libglimpse-test-none.so.9", "libc.so.6");
    try (CudaLibraries libs = CudaLibraries.resolve(s)) {
      CudaLibraries.Found libc = libs.require(CudaLibraries.Library.DRIVER);
      assertEquals("libc.so.6", libc.soname());
      assertEquals(3, libs.missing().size());
      Symbols sym = new Symbols(libc);
      assertTrue(sym.optional(FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS), "strlen").isPresent());
      CudaException e = assertThrows(CudaException.class,
          () -> sym.require(FunctionDescriptor.of(ValueLayout.JAVA_INT), "cuNoSuchThing_v2", "cuNoSuchThing"));
      assertTrue(e.getMessage().contains("cuNoSuchThing_v2, cuNoSuchThing") && e.getMessage().contains("libc.so.6"), e.getMessage());
    }
  }

  @Test
  void openingWithoutTheLibrariesFailsNamingAllOfThem() {
    CudaException e = assertThrows(CudaException.class, () -> Cuda.open(allMissing(), 0));
    for (String s : List.of("libglimpse-test-none-driver.so.1", "nvrtc", "lt.so.13", "cublas.so.13")) {
      assertTrue(e.getMessage().contains(s), s + " not in: " + e.getMessage());
    }
  }
}
