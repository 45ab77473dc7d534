package dev.tally.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.core.model.ContactPatch;
import dev.tally.core.model.ContactPatchParser;
import dev.tally.core.store.Store;
import java.nio.file.Path;

/**
 * For the breakdown: the same contact creation through Tally's store (group commit, same
 * transaction and fsync) but called in-process, without HTTP, auth or response rendering. The gap
 * to {@link ApiWriteTarget} is what the HTTP layer costs; the gap to the bare loop, the store's.
 */
final class StoreWriteTarget implements LoadTarget {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final InProcessTally tally;
  private final long workspace;

  StoreWriteTarget(InProcessTally tally) {
    this.tally = tally;
    this.workspace = tally.server().store().workspaces().get(0).id();
  }

  static StoreWriteTarget start(Path dataDir) throws Exception {
    return new StoreWriteTarget(InProcessTally.start(dataDir));
  }

  @Override
  public String name() {
    return "store";
  }

  @Override
  public Session openSession() {
    Store store = tally.server().store();
    return new Session() {
      @Override
      public void call(long n) throws Exception {
        ContactPatch patch = ContactPatchParser.parse(JSON.readTree(ContactBodies.json(n)), ContactPatchParser.Mode.CREATE);
        store.write(tx -> tx.createContact(workspace, patch));
      }

      @Override
      public void close() {
        // the store belongs to the server
      }
    };
  }

  @Override
  public void close() throws Exception {
    tally.close();
  }
}
