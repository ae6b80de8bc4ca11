import dev.libtinker.AdamParams;
import dev.libtinker.Datum;
import dev.libtinker.ForwardBackwardOutput;
import dev.libtinker.ModelInput;
import dev.libtinker.OptimStepResult;
import dev.libtinker.ServerCapabilities;
import dev.libtinker.ServiceClient;
import dev.libtinker.Status;
import dev.libtinker.TensorData;
import dev.libtinker.Tinker;
import dev.libtinker.TinkerException;
import dev.libtinker.TinkerFuture;
import dev.libtinker.TrainingClient;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A program using the installed jar the way a user does (tests/install/check_java.sh runs it with
 * only the jar on the class path; docs/java.md quotes it). It connects to the server named by
 * TINKER_BASE_URL, checks that the server lists the emulator's tiny model, trains it for three
 * steps, shows a refused request's error and prints what check_java.sh checks: the libtinker
 * version, the JNI library that was loaded, the model, each step's loss and the error's status.
 * Anything unexpected is an exception (exit code 1).
 */
public final class Consumer {
  private static final String MODEL = "tinker-emulator/tiny-bigram";

  private Consumer() {}

  public static void main(String[] args) {
    System.out.println("libtinker " + Tinker.version());
    System.out.println("jni " + Tinker.nativeLibrary());
    // [first-call] TINKER_BASE_URL and TINKER_API_KEY name the server; close() frees the client.
    try (ServiceClient service = ServiceClient.create()) {
      ServerCapabilities caps = service.getServerCapabilities();
      for (ServerCapabilities.Model m : caps.models()) {
        System.err.println(m.name() + ", context " + m.maxContextLength());
      }
      // [/first-call]
      if (caps.models().stream().noneMatch(m -> m.name().equals(MODEL))) {
        throw new IllegalStateException("the server does not list " + MODEL + ": " + caps.models());
      }
      System.out.println("model " + MODEL);
      train(service);
      showError(service);
    }
    lifetimes();
  }

  private static void train(ServiceClient service) {
    // [training-loop] forward_backward and optim_step submitted back to back run in order.
    List<Datum> batch = List.of(nextByte("the cat sat on the mat."), nextByte("the dog sat on the log."));
    AdamParams adam = AdamParams.withLearningRate(0.05);
    try (TrainingClient trainer = service.createLoraTrainingClient(MODEL)) {
      for (int step = 0; step < 3; step++) {
        TinkerFuture<ForwardBackwardOutput> fb = trainer.forwardBackwardAsync(batch, "cross_entropy");
        TinkerFuture<OptimStepResult> opt = trainer.optimStepAsync(adam);
        System.out.printf("loss %.4f%n", fb.join().metric("loss:sum"));
        opt.join();
      }
    }
    // [/training-loop]
  }

  private static void showError(ServiceClient service) {
    // [errors] A failure is a TinkerException: a Status, a category, the HTTP status, the request id.
    try (TrainingClient trainer = service.createLoraTrainingClient("no/such-model")) {
      throw new IllegalStateException("the server accepted an unknown model: " + trainer.modelId());
    } catch (TinkerException e) {
      if (e.code() != Status.REQUEST_FAILED) {
        throw e;
      }
      System.out.println("error " + e.code() + " " + e.category() + " " + e.httpStatus());
    }
    // [/errors]
  }

  private static void lifetimes() {
    // [lifetimes] Handles may be closed in any order: a client keeps its service client's runtime.
    ServiceClient service = ServiceClient.create();
    TrainingClient trainer = service.createLoraTrainingClient(MODEL);
    service.close();
    ForwardBackwardOutput out = trainer.forwardBackward(List.of(nextByte("the cat sat.")), "cross_entropy");
    trainer.close();
    // [/lifetimes]
    System.out.printf("after close loss %.4f%n", out.metric("loss:sum"));
  }

  // [datum] Next-byte prediction on one text: token i is byte i, its target byte i + 1, weight 1.
  private static Datum nextByte(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    long[] input = new long[b.length - 1];
    long[] target = new long[b.length - 1];
    float[] weights = new float[b.length - 1];
    for (int i = 0; i + 1 < b.length; i++) {
      input[i] = b[i] & 0xff;
      target[i] = b[i + 1] & 0xff;
      weights[i] = 1;
    }
    return Datum.builder(ModelInput.ofTokens(input))
        .put("target_tokens", TensorData.ofInt64(target))
        .put("weights", TensorData.ofFloat32(weights))
        .build();
  }
  // [/datum]
}
