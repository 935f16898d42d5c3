package io.gitfleet.agent.git;

import io.gitfleet.agent.GitVerifier;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where {@link JGitVerifier} comes from. The package's launcher names a folder of JGit and its libraries
 * ({@code -Dgitfleet.agent.gitLib=…/lib/git}) that is not on the class path; then JGit, the approval checks and this
 * package are loaded by a class loader of their own, made when a {@code verifyGit} agent checks its first
 * instruction. Without the property (the tests, a jar run with everything on the class path) they come from the
 * class path.
 */
public final class GitLibraries {
    public static final String PROPERTY = "gitfleet.agent.gitLib";

    private GitLibraries() {
    }

    public static GitVerifier verifier(String url, String branch, Path cache, Path stateDir, Clock clock) {
        String lib = System.getProperty(PROPERTY);
        if (lib == null || lib.isBlank()) {
            return new JGitVerifier(url, branch, cache, stateDir, clock);
        }
        Path folder = Path.of(lib);
        if (!Files.isDirectory(folder)) {
            throw new IllegalStateException("verifyGit: the folder of JGit's libraries " + folder
                    + " is missing; reinstall the gitfleet-agent package");
        }
        return new Deferred(() -> verifier(folder, GitLibraries.class.getClassLoader(), url, branch, cache,
                stateDir, clock));
    }

    /**
     * JGit is loaded at the first instruction to check, not at start: an agent with {@code verifyGit} idles as
     * small as one without (53 against 61 MiB, its JGit classes being outside the class-data archive). A loader
     * that cannot be made refuses the instruction with its sentence.
     */
    static final class Deferred implements GitVerifier {
        private final java.util.function.Supplier<GitVerifier> make;
        private io.gitfleet.agent.install.AgentTls.Files tls;
        private GitVerifier real;

        Deferred(java.util.function.Supplier<GitVerifier> make) {
            this.make = make;
        }

        @Override
        public synchronized Verdict check(String node, io.gitfleet.schema.Instruction.Spec spec) {
            if (real == null) {
                try {
                    GitVerifier made = make.get();
                    if (tls != null) {
                        made.setTls(tls);
                    }
                    real = made;
                } catch (RuntimeException e) {
                    return new Refused("cannot verify: " + e.getMessage());
                }
            }
            return real.check(node, spec);
        }

        @Override
        public synchronized GitVerifier setTls(io.gitfleet.agent.install.AgentTls.Files files) {
            tls = files;
            if (real != null) {
                real.setTls(files);
            }
            return this;
        }
    }

    /** A verifier from {@code lib}'s jars, with everything else from {@code parent}. */
    private static GitVerifier verifier(Path lib, ClassLoader parent, String url, String branch, Path cache,
            Path stateDir, Clock clock) {
        List<URL> urls = new ArrayList<>();
        try (Stream<Path> jars = Files.list(lib)) {
            for (Path jar : jars.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                urls.add(jar.toUri().toURL());
            }
            // this package and the approval checks again, so that their JGit references resolve in the new loader
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    urls.add(Path.of(entry).toUri().toURL());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("verifyGit: cannot read the folder of JGit's libraries " + lib, e);
        }
        try {
            Class<?> type = Class.forName(JGitVerifier.class.getName(), true,
                    new ChildFirst(urls.toArray(URL[]::new), parent));
            return (GitVerifier) type.getConstructor(String.class, String.class, Path.class, Path.class, Clock.class)
                    .newInstance(url, branch, cache, stateDir, clock);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("verifyGit: cannot load JGit from " + lib + ": " + e, e);
        }
    }

    /** Loads the classes that use JGit itself, and asks {@code parent} for the rest (the schema types they share). */
    static final class ChildFirst extends URLClassLoader {
        static {
            registerAsParallelCapable();
        }

        ChildFirst(URL[] urls, ClassLoader parent) {
            super("gitfleet-git", urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("io.gitfleet.agent.git.") && !name.startsWith("io.gitfleet.approval.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    c = findClass(name);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }
}
