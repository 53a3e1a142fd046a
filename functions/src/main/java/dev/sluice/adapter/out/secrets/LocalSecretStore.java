package dev.sluice.adapter.out.secrets;

import dev.sluice.application.port.SecretStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The local runtime's secret store: one file per secret under the data directory, encrypted with AES-256-GCM under
 * a key kept outside it (created on first use, readable by its owner only), so a copied data directory holds no
 * readable credentials. The secret's name is bound to its ciphertext (GCM associated data): a file moved to another
 * name does not decrypt.
 */
public final class LocalSecretStore implements SecretStore {
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final Path directory;
    private final SecretKey key;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param directory where the encrypted files go (inside the data directory)
     * @param keyFile   the 32-byte key, outside the data directory; created when missing
     */
    public LocalSecretStore(Path directory, Path keyFile) {
        this.directory = directory;
        this.key = loadOrCreateKey(keyFile);
    }

    @Override
    public String put(String name, String value) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(name.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(value.getBytes(StandardCharsets.UTF_8));
            byte[] file = new byte[iv.length + sealed.length];
            System.arraycopy(iv, 0, file, 0, iv.length);
            System.arraycopy(sealed, 0, file, iv.length, sealed.length);
            Files.createDirectories(directory);
            Path target = fileOf(name);
            Path temporary = Files.createTempFile(directory, "secret", ".tmp");
            Files.write(temporary, Base64.getEncoder().encode(file));
            try {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return name;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt secret " + name, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write secret " + name, e);
        }
    }

    @Override
    public Optional<String> get(String reference) {
        byte[] file;
        try {
            file = Base64.getDecoder().decode(Files.readAllBytes(fileOf(reference)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read secret " + reference, e);
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, file, 0, IV_BYTES));
            cipher.updateAAD(reference.getBytes(StandardCharsets.UTF_8));
            byte[] plain = cipher.doFinal(file, IV_BYTES, file.length - IV_BYTES);
            return Optional.of(new String(plain, StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("secret " + reference + " does not decrypt with this key (another key file,"
                    + " or the file was altered)", e);
        }
    }

    @Override
    public void delete(String reference) {
        try {
            Files.deleteIfExists(fileOf(reference));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete secret " + reference, e);
        }
    }

    /** A file name from any secret name: its SHA-256, so names need no escaping and reveal nothing. */
    private Path fileOf(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return directory.resolve(HexFormat.of().formatHex(digest) + ".secret");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SecretKey loadOrCreateKey(Path keyFile) {
        try {
            if (!Files.exists(keyFile)) {
                KeyGenerator generator = KeyGenerator.getInstance("AES");
                generator.init(256);
                byte[] created = generator.generateKey().getEncoded();
                Path parent = keyFile.toAbsolutePath().getParent();
                Files.createDirectories(parent);
                Path temporary = Files.createTempFile(parent, "key", ".tmp");
                restrictToOwner(temporary);
                Files.write(temporary, Base64.getEncoder().encode(created));
                try {
                    // Two runtimes starting at once: the first key written wins, the other reads it below.
                    Files.move(temporary, keyFile);
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    Files.deleteIfExists(temporary);
                }
            }
            byte[] raw = Base64.getDecoder().decode(Files.readAllBytes(keyFile));
            if (raw.length != 32) {
                throw new IllegalStateException("secret key file " + keyFile + " does not hold a 256-bit key");
            }
            return new SecretKeySpec(raw, "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the secret key file " + keyFile, e);
        }
    }

    private static void restrictToOwner(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: the directory's own permissions are all there is.
        }
    }
}
