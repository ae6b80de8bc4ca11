package dev.libtinker;

import dev.libtinker.CheckpointList.Checkpoint;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The REST management client: training runs (read one, list them), checkpoints (list per run or
 * per user, delete, publish, unpublish, time to live, what their weights are, a download URL of
 * their archive), sessions (read one, list them, assign one to a project, export a trace),
 * samplers, the audit log, billing usage, and who the caller is. Made by {@link
 * ServiceClient#createRestClient}, on that client's configuration; its calls need no session.
 * Thread-safe.
 *
 * <p>Its operations come from the registry (api/registry.py, generated into {@code
 * RestClientOperations}): each as {@code fooAsync()}, returning a {@link TinkerFuture}, and as a
 * blocking {@code foo()} that waits for it; failures are {@link TinkerException}s: an unknown
 * (or another user's) run, checkpoint, session or sampler is {@link Status#NOT_FOUND}, publishing
 * a public checkpoint or unpublishing a private one {@link Status#ALREADY_EXISTS}. A checkpoint is
 * named by its run id and checkpoint id ("weights/&lt;name&gt;", "sampler_weights/&lt;name&gt;")
 * or by its tinker:// path (the {@code ...FromTinkerPath} forms; {@link TinkerPath} splits and
 * makes them); either is checked before anything is sent, and a malformed one throws {@link
 * Status#INVALID_ARGUMENT} from the call itself.
 *
 * <p>Results are delivered through the completion queue of the service client it came from; it
 * keeps working after that client was closed (handles may be closed in any order). Close it when
 * done (try-with-resources); operations already started still complete.
 * One never closed is freed by a Cleaner.
 */
public final class RestClient extends RestClientOperations implements AutoCloseable {
  /**
   * The page size of {@link #listUserCheckpoints()} and {@link #userCheckpoints()}: the official
   * client's default. (R4's {@link #listTrainingRuns()} and R17's {@link #listSessions()} page by
   * 20.)
   */
  public static final int DEFAULT_LIMIT = 100;

  /**
   * The page size of {@link #listTrainingRuns()} and {@link #trainingRuns()}: the official
   * client's default for training runs.
   */
  public static final int DEFAULT_TRAINING_RUN_LIMIT = 20;

  private final ServiceClient service;
  private final NativeHandle<SWIGTYPE_p_tinker_rest_client> handle;

  private RestClient(ServiceClient service, SWIGTYPE_p_tinker_rest_client client) {
    this.service = service;
    this.handle = new NativeHandle<>(client, TinkerRaw::tinker_rest_client_free);
  }

  /** S6 on a borrowed service client handle (no I/O). */
  static RestClient create(ServiceClient service, SWIGTYPE_p_tinker_service_client client) {
    SWIGTYPE_p_tinker_rest_client[] out = new SWIGTYPE_p_tinker_rest_client[1];
    TinkerRaw.tinker_service_client_create_rest_client(client, out);
    return new RestClient(service, out[0]);
  }

  /** Starts an operation (RestClientOperations) through the service client's completion queue. */
  @Override
  <T> TinkerFuture<T> start(
      ServiceClient.AsyncCall<SWIGTYPE_p_tinker_rest_client> call, Function<SWIGTYPE_p_tinker_future, T> take) {
    return service.start(handle, call, take);
  }

  // ---- every page of R6 ---------------------------------------------------------------------------

  /**
   * All of the caller's checkpoints over all their runs, newest first, fetched page by page with
   * {@code listUserCheckpoints(pageSize, offset)} as the iteration reaches them, until the
   * server's {@code totalCount} (or, from a server that sends no cursor, a short or empty page).
   * Each {@code iterator()} starts again from the first page. The pages are not a snapshot: a
   * checkpoint saved or deleted during the iteration shifts the later pages, so one may be seen
   * twice or not at all. A failed page throws its {@link TinkerException} from {@code hasNext} /
   * {@code next}. An iterator belongs to one thread.
   *
   * @param pageSize checkpoints per request, >= 1 (the server may have a maximum)
   * @return the checkpoints, fetched page by page as they are iterated
   * @throws TinkerException {@link Status#INVALID_ARGUMENT} for a page size below 1, at once
   */
  public Iterable<Checkpoint> userCheckpoints(int pageSize) {
    checkPageSize("RestClient.userCheckpoints", pageSize);
    return () -> new Pages<>(pageSize, this::userCheckpointsPage);
  }

  /**
   * {@link #userCheckpoints(int)} with pages of {@link #DEFAULT_LIMIT}.
   *
   * @return the checkpoints, fetched page by page as they are iterated
   */
  public Iterable<Checkpoint> userCheckpoints() {
    return userCheckpoints(DEFAULT_LIMIT);
  }

  /**
   * {@link #userCheckpoints(int)} as a sequential, ordered stream: pages are fetched as the stream
   * is consumed, so {@code limit(n)} fetches only what it needs.
   *
   * @param pageSize checkpoints per request, >= 1
   * @return a sequential, ordered stream of the checkpoints
   * @throws TinkerException {@link Status#INVALID_ARGUMENT} for a page size below 1, at once
   */
  public Stream<Checkpoint> streamUserCheckpoints(int pageSize) {
    checkPageSize("RestClient.streamUserCheckpoints", pageSize);
    return stream(new Pages<>(pageSize, this::userCheckpointsPage));
  }

  private Page<Checkpoint> userCheckpointsPage(int limit, int offset) {
    CheckpointList list = listUserCheckpoints(limit, offset);
    return new Page<>(list.checkpoints(), list.totalCount());
  }

  // ---- every page of R4 ---------------------------------------------------------------------------

  /**
   * All of the training runs the access scope covers, in the server's order, fetched page by page
   * with {@code listTrainingRuns(pageSize, offset, accessScope, projectId)} as the iteration
   * reaches them, until the server's {@code totalCount} (an empty page also ends it). Each {@code
   * iterator()} starts again from the first page. The pages are not a snapshot: a run created
   * during the iteration shifts the later pages, so one may be seen twice or not at all. A failed
   * page throws its {@link TinkerException} from {@code hasNext} / {@code next}. An iterator
   * belongs to one thread.
   *
   * @param pageSize training runs per request, >= 1 (the server may have a maximum)
   * @param accessScope "owned" (also null or "", the caller's runs) or "accessible" (also those
   *     shared with the caller)
   * @param projectId only the runs of this project; null: every project
   * @return the training runs, fetched page by page as they are iterated
   * @throws TinkerException {@link Status#INVALID_ARGUMENT} for a page size below 1 or another
   *     access scope, at once
   */
  public Iterable<TrainingRun> trainingRuns(int pageSize, String accessScope, String projectId) {
    checkPageSize("RestClient.trainingRuns", pageSize);
    checkAccessScope("RestClient.trainingRuns", accessScope);
    return () -> new Pages<>(pageSize, (limit, offset) -> trainingRunsPage(limit, offset, accessScope, projectId));
  }

  /**
   * {@link #trainingRuns(int, String, String)} of the caller's runs in every project.
   *
   * @param pageSize training runs per request, &gt;= 1
   * @return the training runs, fetched page by page as they are iterated
   */
  public Iterable<TrainingRun> trainingRuns(int pageSize) {
    return trainingRuns(pageSize, null, null);
  }

  /**
   * {@link #trainingRuns(int, String, String)} of the caller's runs in every project, with pages of
   * {@link #DEFAULT_TRAINING_RUN_LIMIT}.
   *
   * @return the training runs, fetched page by page as they are iterated
   */
  public Iterable<TrainingRun> trainingRuns() {
    return trainingRuns(DEFAULT_TRAINING_RUN_LIMIT, null, null);
  }

  /**
   * {@link #trainingRuns(int, String, String)} as a sequential, ordered stream: pages are fetched
   * as the stream is consumed, so {@code limit(n)} fetches only what it needs.
   *
   * @param pageSize training runs per request, >= 1
   * @param accessScope "owned" (also null or "") or "accessible"
   * @param projectId only the runs of this project; null: every project
   * @return a sequential, ordered stream of the training runs
   * @throws TinkerException {@link Status#INVALID_ARGUMENT} for a page size below 1 or another
   *     access scope, at once
   */
  public Stream<TrainingRun> streamTrainingRuns(int pageSize, String accessScope, String projectId) {
    checkPageSize("RestClient.streamTrainingRuns", pageSize);
    checkAccessScope("RestClient.streamTrainingRuns", accessScope);
    return stream(new Pages<>(pageSize, (limit, offset) -> trainingRunsPage(limit, offset, accessScope, projectId)));
  }

  /**
   * {@link #streamTrainingRuns(int, String, String)} of the caller's runs in every project.
   *
   * @param pageSize training runs per request, &gt;= 1
   * @return a sequential, ordered stream of the training runs
   */
  public Stream<TrainingRun> streamTrainingRuns(int pageSize) {
    return streamTrainingRuns(pageSize, null, null);
  }

  private Page<TrainingRun> trainingRunsPage(int limit, int offset, String accessScope, String projectId) {
    TrainingRunList list = listTrainingRuns(limit, offset, accessScope, projectId);
    return new Page<>(list.trainingRuns(), list.totalCount());
  }

  // ---- paging ---------------------------------------------------------------------------------------

  private static void checkPageSize(String method, int pageSize) {
    if (pageSize < 1) {
      throw TinkerException.invalidArgument(method + ": pageSize must be >= 1, got " + pageSize);
    }
  }

  /** libtinker's rule for an access scope, checked before the first page is asked for. */
  private static void checkAccessScope(String method, String accessScope) {
    if (accessScope != null && !accessScope.isEmpty() && !accessScope.equals("owned")
        && !accessScope.equals("accessible")) {
      throw TinkerException.invalidArgument(
          method + ": accessScope must be \"owned\" or \"accessible\" (or null), got \"" + accessScope + "\"");
    }
  }

  private static <T> Stream<T> stream(Iterator<T> pages) {
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(pages, Spliterator.ORDERED | Spliterator.NONNULL), false);
  }

  /** One page of a listing: its items and the server's total (-1: it sent no cursor). */
  private record Page<T>(List<T> items, long totalCount) {}

  /** Asks for the page of {@code limit} items from {@code offset}. */
  @FunctionalInterface
  private interface PageSource<T> {
    Page<T> fetch(int limit, int offset);
  }

  /** One pass over a listing, a page at a time. */
  private static final class Pages<T> implements Iterator<T> {
    private final int pageSize;
    private final PageSource<T> source;
    private long offset; // of the next page: how many items came so far
    private boolean lastPage; // no request after the current page
    private Iterator<T> page = Collections.emptyIterator();

    Pages(int pageSize, PageSource<T> source) {
      this.pageSize = pageSize;
      this.source = source;
    }

    @Override
    public boolean hasNext() {
      // A loop, not an if: a page can come back empty while the total still promised more
      // (items deleted meanwhile); that page ends the listing below.
      while (!page.hasNext()) {
        if (lastPage) {
          return false;
        }
        fetch();
      }
      return true;
    }

    @Override
    public T next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return page.next();
    }

    private void fetch() {
      Page<T> got = source.fetch(pageSize, Math.toIntExact(offset));
      offset += got.items().size();
      // The latest total decides (items may come and go between pages); an empty page always
      // ends the pass, so a server whose total never drops cannot make it spin.
      lastPage =
          got.items().isEmpty()
              || (got.totalCount() >= 0 ? offset >= got.totalCount() : got.items().size() < pageSize);
      page = got.items().iterator();
    }
  }

  /** Releases the client. Idempotent. */
  @Override
  public void close() {
    handle.close(null);
  }
}
