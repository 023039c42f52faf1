package io.taptalk.sdk;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Set;

/**
 * The native library the release jar carries, as sqlite-jdbc and netty carry theirs:
 * {@code io/taptalk/sdk/native/<os>-<arch>/libtaptalk.so}, for {@code linux-x86_64} and
 * {@code linux-aarch64} (glibc 2.17 or newer). A JVM cannot load a library from inside a
 * jar, so the one for this platform is copied to a file named by its SHA-256
 * ({@code libtaptalk-<sha256>.so}) in {@code taptalk.tmpdir} (default {@code java.io.tmpdir})
 * and loaded from there with {@link System#load}.
 *
 * <p>A copy left by an earlier run is reused only when it is a regular file owned by this user,
 * writable by nobody else, and its content still has that checksum; anything else (another
 * user's file in a shared /tmp, a truncated or altered copy) is never loaded: a fresh copy is
 * written beside it instead. On Android (which loads {@code jniLibs/<abi>/libtaptalk.so})
 * and on platforms the jar has no library for, nothing is done and {@link Native} goes on to
 * {@code System.loadLibrary}.
 */
final class BundledLibrary {
    /** Where the libraries live inside the jar. */
    static final String RESOURCE_ROOT = "/io/taptalk/sdk/native/";

    private BundledLibrary() {}

    /**
     * Loads this platform's library from the jar and says where from, or returns null when
     * the jar has none for this platform (or this is Android).
     */
    static String load() {
        String platform = platform();
        if (platform == null) {
            return null;
        }
        String resource = RESOURCE_ROOT + platform + "/libtaptalk.so";
        byte[] bytes;
        try (InputStream in = BundledLibrary.class.getResourceAsStream(resource)) {
            if (in == null) {
                return null;
            }
            bytes = readAll(in);
        } catch (IOException e) {
            throw linkError("could not read " + resource + " from the jar: " + e, e);
        }
        String sha256 = sha256(bytes);
        String dirName = System.getProperty("taptalk.tmpdir");
        if (dirName == null || dirName.isEmpty()) {
            dirName = System.getProperty("java.io.tmpdir");
        }
        Path file;
        try {
            file = extract(Paths.get(dirName), "libtaptalk-" + sha256 + ".so", bytes, sha256);
        } catch (IOException e) {
            throw linkError("could not copy " + resource + " out of the jar into " + dirName
                    + " (set the system property taptalk.tmpdir to a writable directory): " + e, e);
        }
        try {
            System.load(file.toAbsolutePath().toString());
        } catch (UnsatisfiedLinkError e) {
            throw linkError("could not load the jar's " + platform + " libtaptalk (copied to " + file
                    + "): " + e.getMessage() + "; it needs glibc 2.17 or newer and a taptalk.tmpdir "
                    + "not mounted noexec; elsewhere (e.g. musl) point taptalk.library.path at a "
                    + "libtaptalk built for the machine", e);
        }
        return "jar:" + resource + " as " + file.toAbsolutePath();
    }

    /** "linux-x86_64" or "linux-aarch64" on a desktop or server JVM, else null. */
    static String platform() {
        // Android reports os.name "Linux" too, but its libraries come from the APK's jniLibs.
        if ("Dalvik".equals(System.getProperty("java.vm.name"))) {
            return null;
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!os.startsWith("linux")) {
            return null;
        }
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (arch.equals("amd64") || arch.equals("x86_64")) {
            return "linux-x86_64";
        }
        if (arch.equals("aarch64") || arch.equals("arm64")) {
            return "linux-aarch64";
        }
        return null;
    }

    /** The path of a trustworthy copy of {@code bytes} named {@code name} in {@code dir}. */
    private static Path extract(Path dir, String name, byte[] bytes, String sha256) throws IOException {
        Path target = dir.resolve(name);
        if (isOurs(target) && sha256.equals(sha256(Files.readAllBytes(target)))) {
            return target;
        }
        // Written under a unique name (createTempFile: mode 0600), then renamed over the target
        // in one step, so a concurrent loader never sees a half-written file.
        Path fresh = Files.createTempFile(dir, name + ".", ".tmp");
        try (OutputStream out = Files.newOutputStream(fresh)) {
            out.write(bytes);
        }
        try {
            Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException | UnsupportedOperationException e) {
            // E.g. the name is taken by another user's file in a sticky /tmp: use the fresh copy.
            fresh.toFile().deleteOnExit();
            return fresh;
        }
    }

    /** A regular file (not a link) owned by this user that no one else may write. */
    private static boolean isOurs(Path path) {
        try {
            PosixFileAttributes attributes =
                    Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            Set<PosixFilePermission> permissions = attributes.permissions();
            return attributes.isRegularFile()
                    && attributes.owner().getName().equals(System.getProperty("user.name"))
                    && !permissions.contains(PosixFilePermission.GROUP_WRITE)
                    && !permissions.contains(PosixFilePermission.OTHERS_WRITE);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4 << 20);
        byte[] buffer = new byte[64 << 10];
        for (int n; (n = in.read(buffer)) > 0; ) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static String sha256(byte[] bytes) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        StringBuilder hex = new StringBuilder(64);
        for (byte b : digest.digest(bytes)) {
            hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return hex.toString();
    }

    private static UnsatisfiedLinkError linkError(String message, Throwable cause) {
        UnsatisfiedLinkError error = new UnsatisfiedLinkError(message);
        error.initCause(cause);
        return error;
    }
}
