package dev.tally.index.lucene;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.TallyException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.apache.lucene.index.IndexCommit;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consistent copies of the index, each the files of one Lucene commit plus a manifest with the
 * oplog position the commit contains and a SHA-256 of every file. A snapshot is written under a
 * temporary name, fsynced, then renamed into place, so a crash never leaves a half snapshot that
 * looks whole; a restore checks every file against the manifest before it uses any of them.
 */
public final class LuceneSnapshots {
  private static final Logger LOG = LoggerFactory.getLogger(LuceneSnapshots.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MANIFEST = "manifest.json";

  /** One snapshot: its directory, the oplog position it holds, when it was taken, its size. */
  public record Snapshot(Path dir, long position, Instant takenAt, long bytes, int files) {
    public String name() {
      return dir.getFileName().toString();
    }
  }

  private final Path root;

  public LuceneSnapshots(Path root) {
    this.root = root;
  }

  public Path root() {
    return root;
  }

  /** Copies the files of {@code commit} out of {@code from} into a new snapshot. */
  Snapshot write(Directory from, IndexCommit commit) {
    long position;
    try {
      String p = commit.getUserData().get(LuceneIndex.POSITION);
      position = p == null ? 0 : Long.parseLong(p);
    } catch (IOException e) {
      throw failed("read the commit's position", null, e);
    }
    Instant now = Instant.now();
    String name = String.format("snap-%020d-%d", position, now.toEpochMilli());
    Path tmp = root.resolve(name + ".partial");
    Path dir = root.resolve(name);
    try {
      dev.tally.core.PrivateFiles.createDirectories(root);
      deleteTree(tmp);
      Files.createDirectories(tmp);
      ObjectNode manifest =
          JSON.createObjectNode().put("position", position).put("taken_at", now.toString());
      ObjectNode files = manifest.putObject("files");
      long bytes = 0;
      for (String file : commit.getFileNames()) {
        Path target = tmp.resolve(file);
        MessageDigest sha = sha256();
        try (IndexInput in = from.openInput(file, IOContext.READONCE);
            OutputStream out = Files.newOutputStream(target)) {
          byte[] buf = new byte[1 << 16];
          long left = in.length();
          while (left > 0) {
            int n = (int) Math.min(buf.length, left);
            in.readBytes(buf, 0, n);
            sha.update(buf, 0, n);
            out.write(buf, 0, n);
            left -= n;
          }
        }
        fsync(target);
        files
            .putObject(file)
            .put("bytes", Files.size(target))
            .put("sha256", HexFormat.of().formatHex(sha.digest()));
        bytes += Files.size(target);
      }
      Files.writeString(tmp.resolve(MANIFEST), manifest.toPrettyString());
      fsync(tmp.resolve(MANIFEST));
      fsync(tmp);
      Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
      fsync(root);
      return new Snapshot(dir, position, now, bytes, files.size());
    } catch (IOException e) {
      try {
        deleteTree(tmp);
      } catch (IOException ignored) {
        // the partial copy is removed by the next snapshot or prune
      }
      throw failed("write the snapshot " + dir.getFileName() + " (is the disk full?)", dir, e);
    }
  }

  /** Complete snapshots, newest first (by position, then time). Partial ones are not listed. */
  public List<Snapshot> list() {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    List<Snapshot> out = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path d :
          dirs.filter(
                  d ->
                      d.getFileName().toString().startsWith("snap-")
                          && !d.getFileName().toString().endsWith(".partial"))
              .toList()) {
        Snapshot s = read(d);
        if (s != null) {
          out.add(s);
        }
      }
    } catch (IOException e) {
      throw failed("list the snapshots", root, e);
    }
    out.sort(
        Comparator.comparingLong(Snapshot::position).thenComparing(Snapshot::takenAt).reversed());
    return out;
  }

  private static Snapshot read(Path dir) {
    try {
      JsonNode m = JSON.readTree(dir.resolve(MANIFEST).toFile());
      long bytes = 0;
      for (JsonNode f : m.path("files")) {
        bytes += f.path("bytes").asLong();
      }
      return new Snapshot(
          dir,
          m.path("position").asLong(),
          Instant.parse(m.path("taken_at").asText()),
          bytes,
          m.path("files").size());
    } catch (IOException | RuntimeException e) {
      return null; // no readable manifest: not a usable snapshot (verify says why)
    }
  }

  /** The complete snapshot named {@code name}, or null when there is none. */
  public Snapshot find(String name) {
    return list().stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
  }

  /** Null when every file is present and matches its checksum; otherwise what is wrong. */
  public String damage(Snapshot snapshot) {
    try {
      JsonNode m = JSON.readTree(snapshot.dir().resolve(MANIFEST).toFile());
      var names = m.path("files").fieldNames();
      while (names.hasNext()) {
        String file = names.next();
        Path p = snapshot.dir().resolve(file);
        if (!Files.exists(p)) {
          return "snapshot " + snapshot.name() + " lost file " + file;
        }
        if (Files.size(p) != m.path("files").path(file).path("bytes").asLong()) {
          return "snapshot " + snapshot.name() + ": file " + file + " has the wrong size";
        }
        if (!sha256Of(p).equals(m.path("files").path(file).path("sha256").asText())) {
          return "snapshot " + snapshot.name() + ": file " + file + " does not match its checksum";
        }
      }
      return null;
    } catch (IOException e) {
      return "snapshot " + snapshot.name() + " cannot be read: " + e.getMessage();
    }
  }

  /**
   * Copies a snapshot's files into an empty directory (a new index generation), checking each
   * checksum as it goes.
   */
  public void restoreInto(Snapshot snapshot, Path target) {
    String damage = damage(snapshot);
    if (damage != null) {
      throw TallyException.unavailable(
          "snapshot_damaged", damage + "; use an older snapshot or rebuild", null);
    }
    try {
      Files.createDirectories(target);
      try (Stream<Path> files = Files.list(snapshot.dir())) {
        for (Path f : files.filter(f -> !f.getFileName().toString().equals(MANIFEST)).toList()) {
          Path to = target.resolve(f.getFileName().toString());
          Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
          fsync(to);
        }
      }
      fsync(target);
    } catch (IOException e) {
      throw failed("restore " + snapshot.name(), target, e);
    }
  }

  /** Keeps the newest {@code keep} snapshots; removes older ones and partial leftovers. */
  public void prune(int keep) {
    List<Snapshot> all = list();
    try {
      for (int i = keep; i < all.size(); i++) {
        deleteTree(all.get(i).dir());
      }
      try (Stream<Path> dirs = Files.list(root)) {
        for (Path d : dirs.filter(d -> d.getFileName().toString().endsWith(".partial")).toList()) {
          deleteTree(d);
        }
      }
    } catch (IOException e) {
      throw failed("prune the snapshots", root, e);
    }
  }

  private static String sha256Of(Path p) throws IOException {
    MessageDigest sha = sha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(p), sha)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void fsync(Path p) throws IOException {
    try (FileChannel ch =
        Files.isDirectory(p)
            ? FileChannel.open(p, StandardOpenOption.READ)
            : FileChannel.open(p, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path x : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(x);
      }
    }
  }

  /**
   * The failure as an API answer says it, without file paths (they are the server's business, and
   * an exception's message is mostly one): the log line beside it has the path and the cause.
   */
  private static TallyException failed(String what, Path where, Exception e) {
    LOG.atWarn()
        .addKeyValue("path", String.valueOf(where))
        .addKeyValue("error", String.valueOf(e.getMessage()))
        .log("snapshot operation failed: " + what);
    return TallyException.unavailable(
        "snapshot_failed",
        "could not "
            + what
            + " ("
            + e.getClass().getSimpleName()
            + "; the server's log names the file)",
        e);
  }
}
