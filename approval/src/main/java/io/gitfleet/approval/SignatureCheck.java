package io.gitfleet.approval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.GpgConfig;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.SignatureVerifier.SignatureVerification;
import org.eclipse.jgit.lib.SignatureVerifiers;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * Checks one commit's signature against the keys the fleet repo allows: SSH keys listed in an allowed-signers file
 * (git's {@code gpg.ssh.allowedSignersFile} format, taken from the repo at the last approved commit) and OpenPGP
 * keys pinned by fingerprint in {@code fleet.yaml}. JGit answers null for an unsigned commit: that is a refusal.
 */
public final class SignatureCheck {
    private final Repository repo;
    private final Path keyDir;

    /** @param keyDir where allowed-signers files are written for JGit to read (named by their content) */
    public SignatureCheck(Repository repo, Path keyDir) {
        this.repo = repo;
        this.keyDir = keyDir;
    }

    /**
     * @param allowedSigners the allowed-signers file's bytes, or null when the repo has none
     * @param fingerprints   pinned OpenPGP fingerprints (40 hex digits)
     * @return null when the signature is valid and allowed, otherwise why not ("is not signed", …)
     */
    public String problem(RevCommit commit, byte[] allowedSigners, List<String> fingerprints) throws IOException {
        byte[] raw = commit.getRawGpgSignature();
        if (raw == null) {
            return "is not signed";
        }
        GpgConfig.GpgFormat format = SignatureVerifiers.getFormat(raw);
        Config config = new Config();
        String ignored = "";
        if (format == GpgConfig.GpgFormat.SSH) {
            if (allowedSigners == null) {
                return "is signed with an SSH key, but the repo has no allowed-signers file";
            }
            config.setString("gpg", null, "format", "ssh");
            // malformed lines are left out (taking trust away, never adding it) and named if the check fails
            AllowedSigners.Parsed parsed = AllowedSigners.parse(allowedSigners);
            if (!parsed.problems().isEmpty()) {
                AllowedSigners.LineProblem first = parsed.problems().get(0);
                ignored = "; the allowed-signers file has " + parsed.problems().size() + " malformed line"
                        + (parsed.problems().size() == 1 ? "" : "s") + ", left out (line " + first.line() + ": "
                        + first.reason() + "; gitfleet validate lists them)";
            }
            config.setString("gpg", "ssh", "allowedSignersFile", materialize(parsed.wellFormed()).toString());
        } else if (format == GpgConfig.GpgFormat.OPENPGP) {
            if (fingerprints.isEmpty()) {
                return "is signed with OpenPGP, but fleet.yaml pins no OpenPGP fingerprint";
            }
            config.setString("gpg", null, "format", "openpgp");
        } else {
            return "carries a " + format + " signature, which gitfleet does not accept";
        }
        SignatureVerification v;
        try {
            v = SignatureVerifiers.verify(repo, new GpgConfig(config), commit);
        } catch (IOException | RuntimeException e) {
            return "has a signature that cannot be checked: " + e.getMessage() + ignored;
        }
        if (v == null) {
            return "is not signed";
        }
        if (!v.verified()) {
            return "has a signature that is not valid or whose key is not allowed (" + describe(v) + ")" + ignored;
        }
        if (v.expired()) {
            return "is signed with an expired key (" + describe(v) + ")";
        }
        if (format == GpgConfig.GpgFormat.OPENPGP) {
            String fp = v.keyFingerprint() == null ? "" : v.keyFingerprint().toUpperCase(Locale.ROOT);
            boolean pinned = fingerprints.stream().anyMatch(f -> f.toUpperCase(Locale.ROOT).equals(fp)
                    || (!fp.isEmpty() && f.toUpperCase(Locale.ROOT).endsWith(fp)));
            if (!pinned) {
                return "is signed by OpenPGP key " + fp + ", which fleet.yaml does not pin";
            }
        }
        return null;
    }

    private static String describe(SignatureVerification v) {
        StringBuilder b = new StringBuilder();
        if (v.keyFingerprint() != null) {
            b.append("key ").append(v.keyFingerprint());
        }
        if (v.signer() != null) {
            b.append(b.length() == 0 ? "" : ", ").append("signer ").append(v.signer());
        }
        if (v.message() != null) {
            b.append(b.length() == 0 ? "" : ": ").append(v.message());
        }
        return b.toString();
    }

    /** Writes the file once per content: JGit caches allowed-signers files by path. */
    private Path materialize(byte[] allowedSigners) throws IOException {
        Files.createDirectories(keyDir);
        Path file = keyDir.resolve("allowed-signers-" + ObjectId.fromRaw(sha1(allowedSigners)).name());
        if (!Files.exists(file)) {
            Path tmp = Files.createTempFile(keyDir, "allowed-signers", ".tmp");
            Files.write(tmp, allowedSigners);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return file;
    }

    private static byte[] sha1(byte[] bytes) {
        try {
            return java.security.MessageDigest.getInstance("SHA-1").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
