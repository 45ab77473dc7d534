package dev.tally.core;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files that hold customers' data are the owner's alone: directories Tally creates are 0700 and
 * files it writes for people to keep (backups) 0600, whatever the umask. Inside a 0700 directory
 * the files a database or an index creates are out of other users' reach too. On a file system
 * without POSIX permissions this does nothing.
 */
public final class PrivateFiles {
  private static final Set<PosixFilePermission> OWNER_DIR =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_FILE =
      PosixFilePermissions.fromString("rw-------");
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private PrivateFiles() {}

  /** Creates {@code dir} and its missing parents, each one created here with mode 0700. */
  public static Path createDirectories(Path dir) throws IOException {
    Path absolute = dir.toAbsolutePath();
    if (Files.isDirectory(absolute)) {
      return dir;
    }
    Path parent = absolute.getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      createDirectories(parent);
    }
    try {
      if (POSIX) {
        Files.createDirectory(absolute, PosixFilePermissions.asFileAttribute(OWNER_DIR));
        Files.setPosixFilePermissions(absolute, OWNER_DIR); // the umask may have taken some away
      } else {
        Files.createDirectory(absolute);
      }
    } catch (java.nio.file.FileAlreadyExistsException raced) {
      // another thread or process made it: fine
    }
    return dir;
  }

  /** Makes {@code file} readable and writable by its owner only. */
  public static void ownerOnly(Path file) throws IOException {
    if (POSIX) {
      Files.setPosixFilePermissions(file, OWNER_FILE);
    }
  }

  /**
   * Whether users other than the owner may read or enter {@code path} (false where there are no
   * POSIX permissions).
   */
  public static boolean openToOthers(Path path) throws IOException {
    if (!POSIX) {
      return false;
    }
    Set<PosixFilePermission> p = Files.getPosixFilePermissions(path);
    return p.contains(PosixFilePermission.GROUP_READ)
        || p.contains(PosixFilePermission.OTHERS_READ)
        || p.contains(PosixFilePermission.GROUP_EXECUTE)
        || p.contains(PosixFilePermission.OTHERS_EXECUTE);
  }
}
