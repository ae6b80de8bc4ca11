import dev.libtinker.ServerCapabilities;
import dev.libtinker.ServiceClient;
import dev.libtinker.Tinker;
import dev.libtinker.TinkerFuture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Java program of the bindings' overhead benchmark (bench/bindings/run.sh, which divides its
 * figures by overhead_c's): the same three measurements through the idiomatic layer, as a user
 * makes the calls. Reads TINKER_BASE_URL and TINKER_API_KEY (ServiceClient.create); --quick makes
 * the counts small. Prints exactly the three figure lines; diagnostics go to stderr, and any
 * failed call ends the program with a non-zero status (an uncaught exception).
 */
public final class Overhead {
  private static final int FANOUT = 1000;

  private Overhead() {}

  public static void main(String[] args) throws Exception {
    boolean quick = args.length > 0 && args[0].equals("--quick");
    if (System.getenv("TINKER_BASE_URL") == null || System.getenv("TINKER_API_KEY") == null) {
      System.err.println("overhead_java: set TINKER_BASE_URL and TINKER_API_KEY (bench/bindings/run.sh does)");
      System.exit(2);
    }
    try (ServiceClient service = ServiceClient.create()) {
      double crossing = crossingNs(quick ? 10_000 : 1_000_000);
      double blocking = blockingCallUs(service, quick ? 5 : 200, quick ? 50 : 2000);
      int rounds = quick ? 1 : 5;
      double[] ms = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        ms[r] = futuresMs(service);
      }
      System.out.printf("crossing_ns %.2f%nblocking_call_us %.1f%nfutures_1000_ms %.1f%n",
          crossing, blocking, median(ms));
    }
  }

  /** Mean ns of one Tinker.versionNumber() (tinker_version_number) call; the sum goes to stderr
   * so the JIT cannot drop the calls. The first call loads the library, outside the timing. */
  private static double crossingNs(int calls) {
    long sink = Tinker.versionNumber();
    long t0 = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      sink += Tinker.versionNumber();
    }
    double ns = (double) (System.nanoTime() - t0) / calls;
    System.err.println("overhead_java: version sum " + sink);
    return ns;
  }

  private static double blockingCallUs(ServiceClient service, int warmup, int calls) {
    double[] us = new double[calls];
    for (int i = 0; i < warmup + calls; i++) {
      long t0 = System.nanoTime();
      service.getServerCapabilities();
      if (i >= warmup) {
        us[i - warmup] = (System.nanoTime() - t0) / 1e3;
      }
    }
    return median(us);
  }

  /** Starts 1,000 asynchronous calls at once, then waits for all of their results. */
  private static double futuresMs(ServiceClient service) throws Exception {
    List<TinkerFuture<ServerCapabilities>> futures = new ArrayList<>(FANOUT);
    long t0 = System.nanoTime();
    for (int i = 0; i < FANOUT; i++) {
      futures.add(service.getServerCapabilitiesAsync());
    }
    CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(120, TimeUnit.SECONDS);
    double ms = (System.nanoTime() - t0) / 1e6;
    for (TinkerFuture<ServerCapabilities> f : futures) {
      f.join(); // a failed call throws here
    }
    return ms;
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
