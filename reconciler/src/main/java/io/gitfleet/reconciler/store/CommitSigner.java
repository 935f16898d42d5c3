package io.gitfleet.reconciler.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.errors.CanceledException;
import org.eclipse.jgit.api.errors.UnsupportedSigningFormatException;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.GpgConfig;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.Signer;
import org.eclipse.jgit.lib.Signers;

/**
 * Signs the reconciler's status commits with an SSH key ({@code serve --signing-key}), as
 * {@code git -c gpg.format=ssh commit -S} would: the {@code gpgsig} header carries an SSH signature in the
 * {@code git} namespace, so {@code git verify-commit} checks it against an allowed-signers file. JGit's SSH signer
 * ({@code org.eclipse.jgit.ssh.apache}) does the work; no ssh-agent, no passphrase.
 */
public final class CommitSigner {
    private final Path key;
    private final GpgConfig config;
    private final Signer signer;

    private CommitSigner(Path key, GpgConfig config, Signer signer) {
        this.key = key;
        this.config = config;
        this.signer = signer;
    }

    /**
     * A signer for the private key in {@code key} (OpenSSH format, unencrypted), tried once on a sample so that a
     * key that cannot sign is refused at start, with one sentence, not at the first status commit.
     */
    public static CommitSigner sshKey(Path key, Repository repo) throws IOException {
        if (!Files.isReadable(key)) {
            throw new IOException("the signing key " + key + " cannot be read");
        }
        Config c = new Config();
        c.setString("gpg", null, "format", "ssh");
        GpgConfig config = new GpgConfig(c);
        Signer signer = Signers.get(GpgConfig.GpgFormat.SSH);
        if (signer == null) {
            throw new IOException("SSH signing is not available (org.eclipse.jgit.ssh.apache is missing)");
        }
        CommitSigner s = new CommitSigner(key.toAbsolutePath(), config, signer);
        CommitBuilder sample = new CommitBuilder();
        sample.setTreeId(org.eclipse.jgit.lib.ObjectId.zeroId());
        PersonIdent who = StatusStore.DEFAULT_IDENT;
        sample.setAuthor(who);
        sample.setCommitter(who);
        sample.setMessage("gitfleet: signing key check");
        s.sign(repo, sample);
        return s;
    }

    /** Sets the commit's {@code gpgsig} header; call after every other field is set. */
    public void sign(Repository repo, CommitBuilder commit) throws IOException {
        try {
            signer.signObject(repo, config, commit, commit.getCommitter(), key.toString(), null);
        } catch (CanceledException | UnsupportedSigningFormatException e) {
            throw new IOException("cannot sign with " + key + " (an unencrypted OpenSSH private key is needed): "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IOException("cannot sign with " + key + ": " + e.getMessage(), e);
        }
        if (commit.getGpgSignature() == null) {
            throw new IOException("cannot sign with " + key + ": no signature was made");
        }
    }

    public Path key() {
        return key;
    }
}
