package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Tally creates to hold customers' data is its owner's alone (issue 11, finding 13): the data
 * directory, the index and snapshot directories 0700, a backup 0600, whatever the umask.
 */
class FilePermissionsTest {

  @Test
  void directoriesAreTheOwnersAndABackupToo(@TempDir Path root) throws Exception {
    Path data = root.resolve("new").resolve("data");
    var started = ApiTestBase.startTally(data, Map.of());
    try (TallyServer server = started.server()) {
      TallyHttp http = new TallyHttp(server.port());
      http.call("POST", "/contacts", started.token(), "{\"email\":\"p@example.com\"}");
      assertEquals(
          201, http.call("POST", "/admin/index/snapshots", ApiTestBase.ADMIN, "{}").status());
      Path copy = root.resolve("backup.db");
      CliTest.Run backup = CliTest.tally("backup", "--data", data.toString(), copy.toString());
      assertEquals(0, backup.code(), backup.err());
      assertEquals("rw-------", mode(copy));
    }
    assertEquals("rwx------", mode(root.resolve("new")), "a parent Tally created");
    assertEquals("rwx------", mode(data));
    assertEquals("rwx------", mode(data.resolve("index")));
    assertEquals("rwx------", mode(data.resolve("snapshots")));
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
