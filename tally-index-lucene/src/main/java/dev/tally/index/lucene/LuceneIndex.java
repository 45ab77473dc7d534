package dev.tally.index.lucene;

import dev.tally.core.TallyException;
import dev.tally.core.index.ContactDocument;
import dev.tally.core.index.IndexBatch;
import dev.tally.core.index.SearchIndex;
import dev.tally.core.index.SearchPage;
import dev.tally.core.index.SearchRequest;
import dev.tally.core.index.SearchTimedOut;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.KeepOnlyLastCommitDeletionPolicy;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.SnapshotDeletionPolicy;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * The embedded search index. One writer, owned by the projector; searches go through a {@link
 * SearcherManager} refreshed after each applied batch, so a batch is visible as soon as it is
 * applied. The oplog position a batch reaches is written into the Lucene commit's user data
 * together with the data, so after a crash the index resumes from a position it really contains.
 *
 * <p>Monotonic by version: before a document is written, its indexed version is looked up and an
 * older or equal version is skipped; a deleted contact leaves a tombstone with its version, so a
 * replayed older version cannot resurrect it.
 */
public final class LuceneIndex implements SearchIndex, dev.tally.core.verify.ScannedVersions {
  static final String POSITION = "tally.position";
  static final String LAYOUT_KEY = "tally.layout";

  /**
   * How contacts are laid out in this index ({@link Fields}, {@link DocumentMapper}). Change it
   * with any change to the layout: `tally plan` then shows the rebuild that moves an older index to
   * it.
   */
  public static final String LAYOUT = "lucene-3"; // 2: tag_id, 3: company_id

  private final Directory directory;
  private final IndexWriter writer;
  private final SearcherManager searchers;
  private final long commitIntervalNanos;

  /** The layout this index was built with (kept across commits; a rebuild makes a new one). */
  private volatile String layout = LAYOUT;

  private volatile long appliedPosition;
  private volatile long visiblePosition;
  private long lastCommit = System.nanoTime();
  private long uncommittedPosition;

  /**
   * Set by load(): the searcher that apply() reads versions from does not see loaded documents yet.
   */
  private volatile boolean loadedSinceRefresh;

  private LuceneIndex(
      Directory directory, IndexWriter writer, long position, long commitIntervalMillis)
      throws IOException {
    this.directory = directory;
    this.writer = writer;
    this.searchers = new SearcherManager(writer, null);
    this.appliedPosition = position;
    this.visiblePosition = position;
    this.uncommittedPosition = position;
    this.commitIntervalNanos = commitIntervalMillis * 1_000_000L;
  }

  /**
   * Opens (or creates) the index in {@code dir}; commits at most every {@code
   * commitIntervalMillis}.
   */
  public static LuceneIndex open(Path dir, long commitIntervalMillis) {
    try {
      return open(FSDirectory.open(dir), commitIntervalMillis);
    } catch (IOException e) {
      throw TallyException.unavailable(
          "index_unavailable", "cannot open the index in " + dir + ": " + e.getMessage(), e);
    }
  }

  public static LuceneIndex open(Directory directory, long commitIntervalMillis) {
    try {
      IndexWriterConfig config =
          new IndexWriterConfig(new StandardAnalyzer())
              .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
              .setRAMBufferSizeMB(64)
              // Snapshots pin a commit's files while they are copied out.
              .setIndexDeletionPolicy(
                  new SnapshotDeletionPolicy(new KeepOnlyLastCommitDeletionPolicy()));
      IndexWriter writer = new IndexWriter(directory, config);
      if (!DirectoryReader.indexExists(directory)) {
        // A new index commits at once, so an index directory without a commit always means damage.
        writer.setLiveCommitData(Map.of(POSITION, "0", LAYOUT_KEY, LAYOUT).entrySet());
        writer.commit();
      }
      long position = 0;
      Map<String, String> data = new HashMap<>();
      writer.getLiveCommitData().forEach(e -> data.put(e.getKey(), e.getValue()));
      if (data.containsKey(POSITION)) {
        position = Long.parseLong(data.get(POSITION));
      }
      LuceneIndex index = new LuceneIndex(directory, writer, position, commitIntervalMillis);
      index.layout =
          data.getOrDefault(
              LAYOUT_KEY, "lucene-1"); // indexes from before layouts were recorded are lucene-1
      return index;
    } catch (IOException e) {
      throw TallyException.unavailable(
          "index_unavailable", "cannot open the index: " + e.getMessage(), e);
    }
  }

  @Override
  public long appliedPosition() {
    return appliedPosition;
  }

  @Override
  public long visiblePosition() {
    return visiblePosition;
  }

  @Override
  public synchronized void apply(IndexBatch batch) {
    try {
      // The searcher manager was refreshed at the end of the last batch, so it sees every applied
      // version; documents loaded since then need one refresh, or an older version could overwrite
      // them.
      if (loadedSinceRefresh) {
        loadedSinceRefresh = false;
        searchers.maybeRefreshBlocking();
      }
      IndexSearcher current = searchers.acquire();
      try {
        DirectoryReader reader = (DirectoryReader) current.getIndexReader();
        Map<Long, ContactDocument> newest = new HashMap<>();
        for (ContactDocument d : batch.upserts()) {
          newest.merge(
              d.contact().id(),
              d,
              (a, b) -> a.contact().version() >= b.contact().version() ? a : b);
        }
        for (ContactDocument d : newest.values()) {
          long id = d.contact().id();
          if (indexedVersion(reader, id) < d.contact().version()) {
            writer.updateDocument(
                new Term(Fields.DOC_ID, Long.toString(id)), DocumentMapper.live(d));
          }
        }
        for (IndexBatch.Deletion del : batch.deletions()) {
          if (indexedVersion(reader, del.contactId()) < del.version()) {
            writer.updateDocument(
                new Term(Fields.DOC_ID, Long.toString(del.contactId())),
                DocumentMapper.tombstone(del.workspaceId(), del.contactId(), del.version()));
          }
        }
      } finally {
        searchers.release(current);
      }
      for (long ws : batch.deletedWorkspaces()) {
        writer.deleteDocuments(new Term(Fields.WORKSPACE, Long.toString(ws)));
      }
      uncommittedPosition = Math.max(uncommittedPosition, batch.position());
      searchers.maybeRefreshBlocking();
      visiblePosition = uncommittedPosition;
      maybeCommit();
    } catch (IOException e) {
      throw TallyException.unavailable(
          "index_write_failed",
          "the index could not apply a batch up to position "
              + batch.position()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public void load(List<ContactDocument> documents) {
    try {
      for (ContactDocument d : documents) {
        writer.updateDocument(
            new Term(Fields.DOC_ID, Long.toString(d.contact().id())), DocumentMapper.live(d));
      }
      loadedSinceRefresh = true;
    } catch (IOException e) {
      throw TallyException.unavailable(
          "index_write_failed", "the index could not load documents: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void maybeCommit() {
    if (uncommittedPosition != appliedPosition
        && System.nanoTime() - lastCommit >= commitIntervalNanos) {
      commit();
    }
  }

  @Override
  public synchronized void commit() {
    try {
      writer.setLiveCommitData(
          Map.of(POSITION, Long.toString(uncommittedPosition), LAYOUT_KEY, layout).entrySet());
      writer.commit();
    } catch (IOException e) {
      throw TallyException.unavailable(
          "index_commit_failed",
          "the index could not commit position " + uncommittedPosition + ": " + e.getMessage(),
          e);
    }
    appliedPosition = uncommittedPosition;
    lastCommit = System.nanoTime();
  }

  /**
   * The layout of the index in {@code dir}, from its newest commit; null when there is no index.
   */
  public static String layoutOf(Path dir) {
    try (Directory d = FSDirectory.open(dir)) {
      if (!DirectoryReader.indexExists(d)) {
        return null;
      }
      return org.apache.lucene.index.SegmentInfos.readLatestCommit(d)
          .getUserData()
          .getOrDefault(LAYOUT_KEY, "lucene-1");
    } catch (IOException e) {
      throw TallyException.unavailable(
          "index_unavailable", "cannot read the index in " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Commits what is applied, then copies that commit into a new snapshot under {@code snapshots}
   * while the writer goes on (the commit's files are pinned until the copy is done).
   */
  public LuceneSnapshots.Snapshot snapshot(LuceneSnapshots snapshots) {
    SnapshotDeletionPolicy policy =
        (SnapshotDeletionPolicy) writer.getConfig().getIndexDeletionPolicy();
    org.apache.lucene.index.IndexCommit commit;
    synchronized (this) {
      commit();
      try {
        commit = policy.snapshot();
      } catch (IOException e) {
        throw TallyException.unavailable(
            "snapshot_failed",
            "could not pin the index commit for a snapshot: " + e.getMessage(),
            e);
      }
    }
    try {
      return snapshots.write(directory, commit);
    } finally {
      try {
        policy.release(commit);
        writer.deleteUnusedFiles();
      } catch (IOException e) {
        throw TallyException.unavailable(
            "snapshot_failed", "could not release the snapshot's commit: " + e.getMessage(), e);
      }
    }
  }

  /** The indexed version of a contact (live or tombstone), or -1. */
  private static long indexedVersion(DirectoryReader reader, long id) throws IOException {
    BytesRefHolder key = new BytesRefHolder(Long.toString(id));
    for (LeafReaderContext leaf : reader.leaves()) {
      Terms terms = leaf.reader().terms(Fields.DOC_ID);
      if (terms == null) {
        continue;
      }
      TermsEnum te = terms.iterator();
      if (!te.seekExact(key.ref)) {
        continue;
      }
      PostingsEnum postings = te.postings(null, PostingsEnum.NONE);
      var live = leaf.reader().getLiveDocs();
      for (int doc = postings.nextDoc();
          doc != DocIdSetIterator.NO_MORE_DOCS;
          doc = postings.nextDoc()) {
        if (live != null && !live.get(doc)) {
          continue;
        }
        NumericDocValues versions = leaf.reader().getNumericDocValues(Fields.VERSION);
        if (versions != null && versions.advanceExact(doc)) {
          return versions.longValue();
        }
      }
    }
    return -1;
  }

  private record BytesRefHolder(org.apache.lucene.util.BytesRef ref) {
    BytesRefHolder(String s) {
      this(new org.apache.lucene.util.BytesRef(s));
    }
  }

  @Override
  public SearchPage search(SearchRequest r) {
    if (r.pastDeadline()) {
      throw new SearchTimedOut("the search's deadline passed before it started");
    }
    try {
      IndexSearcher acquired = searchers.acquire();
      try {
        IndexSearcher searcher = withDeadline(acquired, r);
        org.apache.lucene.search.Query q =
            new QueryCompiler(r.nowSeconds()).compile(r.workspaceId(), r.query());
        SortSpec spec = SortSpec.of(r.sort());
        SearchPage page;
        if (r.after() == null && spec.byIdOnly()) {
          page =
              spec.firstPageById(
                  searcher, q, r.limit()); // one pass counts and collects the first page
        } else {
          long total = searcher.count(q);
          timedOut(searcher);
          page = spec.page(searcher, q, r.after(), r.limit(), total);
        }
        timedOut(searcher);
        return page;
      } finally {
        searchers.release(acquired);
      }
    } catch (IndexSearcher.TooManyClauses e) {
      throw TallyException.invalid(
          "query",
          "the query has too many conditions for the index (" + e.getMessage() + "); split it");
    } catch (org.apache.lucene.util.automaton.TooComplexToDeterminizeException e) {
      // A pattern the index cannot turn into an automaton: the client's query, never index damage.
      throw TallyException.invalid(
          "query",
          "a ~, ^ or $ value is too complex for the index to match; use a shorter or simpler value");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The shared searcher, or for a request with a deadline a searcher of the same reader that stops
   * collecting once the deadline passes (a searcher's timeout is its own state, so a per-request
   * one is needed; it shares the reader and the query cache, and costs an object).
   */
  private static IndexSearcher withDeadline(IndexSearcher shared, SearchRequest r) {
    if (r.deadlineNanos() == SearchRequest.NO_DEADLINE) {
      return shared;
    }
    IndexSearcher limited = new IndexSearcher(shared.getIndexReader());
    limited.setTimeout(r::pastDeadline);
    return limited;
  }

  /** A timed-out searcher's results are partial: never answered, and said so. */
  private static void timedOut(IndexSearcher searcher) {
    if (searcher.timedOut()) {
      throw new SearchTimedOut("the search passed its deadline and was stopped");
    }
  }

  @Override
  public void eachLive(long fromId, long toId, java.util.function.BiConsumer<Long, Long> visit) {
    try {
      IndexSearcher searcher = searchers.acquire();
      try {
        LiveVersions.visit(searcher.getIndexReader(), fromId, toId, visit);
      } finally {
        searchers.release(searcher);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public long count(long workspaceId) {
    try {
      IndexSearcher searcher = searchers.acquire();
      try {
        return searcher.count(
            new BooleanQuery.Builder()
                .add(
                    new TermQuery(new Term(Fields.WORKSPACE, Long.toString(workspaceId))),
                    Occur.FILTER)
                .add(new TermQuery(new Term(Fields.LIVE, "1")), Occur.FILTER)
                .build());
      } finally {
        searchers.release(searcher);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      commit();
      searchers.close();
      writer.close();
      directory.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
