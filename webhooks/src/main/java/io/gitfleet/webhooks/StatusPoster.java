package io.gitfleet.webhooks;

import io.gitfleet.schema.Backoff;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commit statuses that follow something over time (an upgrade's rollout): the caller says which statuses it wants
 * now, as often as it likes and without waiting; a status is posted only when its {@code change} (or state) differs
 * from what was last posted for that commit and context. Posting happens on the scheduler's thread, one status at a
 * time; a forge that fails with a retryable answer (no answer, 429, 5xx) is tried again after the project's backoff,
 * one that refuses (a bad token, an unknown repository) is logged once and left until the wanted status changes.
 * What was posted is remembered in a small file, so a restart does not post every status again.
 */
public final class StatusPoster {
    private static final Logger LOG = LoggerFactory.getLogger(StatusPoster.class);

    /**
     * One wanted status.
     *
     * @param change what must differ for the status to be posted again (e.g. the upgrade's phase); the description
     *               alone changing does not post
     */
    public record Status(String sha, String context, CommitState state, String description, String targetUrl,
                         String change) {
        public Status {
            Objects.requireNonNull(sha, "sha");
            Objects.requireNonNull(context, "context");
            Objects.requireNonNull(state, "state");
        }

        String key() {
            return sha + " " + context;
        }

        boolean sameAs(Status other) {
            return other != null && state == other.state && Objects.equals(change, other.change);
        }
    }

    private final ForgeClient client;
    private final String repository;
    private final SyncCoalescer.Scheduler scheduler;
    private final Backoff backoff;
    private final Path memory;
    /** Last posted by key; only touched under {@code this}. */
    private final Map<String, Status> posted = new LinkedHashMap<>();
    /** Refused for a reason a retry will not fix, by key. */
    private final Map<String, Status> refused = new LinkedHashMap<>();
    /** Wanted and not yet posted, by key, in the order they were wanted. */
    private final Map<String, Status> pending = new LinkedHashMap<>();
    private boolean scheduled;
    private long posts;

    /**
     * @param repository where to post ({@code owner/name}; GitLab: the project id or path)
     * @param scheduler  the thread that posts; never the caller's
     * @param memory     the file that remembers what was posted, or null to remember only in memory
     */
    public StatusPoster(ForgeClient client, String repository, SyncCoalescer.Scheduler scheduler, Backoff backoff,
                        Path memory) {
        this.client = Objects.requireNonNull(client, "client");
        this.repository = Objects.requireNonNull(repository, "repository");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.memory = memory;
        load();
    }

    /**
     * The statuses wanted now. Those already posted (same state and change) cost nothing; the others are posted
     * soon on the scheduler's thread. Returns at once. What was posted for statuses no longer wanted is forgotten.
     */
    public void want(Collection<Status> statuses) {
        boolean start;
        synchronized (this) {
            Map<String, Status> wanted = new LinkedHashMap<>();
            for (Status s : statuses) {
                wanted.put(s.key(), s);
            }
            posted.keySet().retainAll(wanted.keySet());
            refused.keySet().retainAll(wanted.keySet());
            pending.clear();
            for (Status s : wanted.values()) {
                if (!s.sameAs(posted.get(s.key())) && !s.sameAs(refused.get(s.key()))) {
                    pending.put(s.key(), s);
                }
            }
            start = !pending.isEmpty() && !scheduled;
            scheduled |= start;
        }
        if (start) {
            scheduler.schedule(this::drain, 0);
        }
    }

    /** What was last posted, by commit and context (for the caller to see what an earlier run left). */
    public synchronized Map<String, Status> posted() {
        return Map.copyOf(posted);
    }

    /** Statuses posted so far (for tests and metrics). */
    public synchronized long posts() {
        return posts;
    }

    private void drain() {
        while (true) {
            Status next;
            synchronized (this) {
                if (pending.isEmpty()) {
                    scheduled = false;
                    save();
                    return;
                }
                next = pending.values().iterator().next();
            }
            try {
                client.postStatus(repository, next.sha(), next.state(), next.description(), next.context(),
                        next.targetUrl());
                backoff.reset();
                synchronized (this) {
                    posts++;
                    posted.put(next.key(), next);
                    pending.remove(next.key(), next);
                }
            } catch (ForgeApiException e) {
                if (e.retryable()) {
                    long wait = backoff.next().toNanos();
                    LOG.atWarn().log(() -> "forge: the status " + next.context() + " on " + shortSha(next.sha())
                            + " was not posted (" + e.getMessage() + "); trying again in " + wait / 1_000_000 + " ms");
                    synchronized (this) {
                        save();
                    }
                    scheduler.schedule(this::drain, wait);
                    return;
                }
                LOG.atWarn().log(() -> "forge: the status " + next.context() + " on " + shortSha(next.sha())
                        + " was refused (" + e.getMessage() + "); not tried again until it changes");
                synchronized (this) {
                    refused.put(next.key(), next);
                    pending.remove(next.key(), next);
                }
            } catch (RuntimeException e) {
                LOG.warn("forge: posting the status {} on {} failed", next.context(), shortSha(next.sha()), e);
                synchronized (this) {
                    refused.put(next.key(), next);
                    pending.remove(next.key(), next);
                }
            }
        }
    }

    private static String shortSha(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) : sha;
    }

    /** key = {@code sha context}, value = {@code STATE<tab>change<tab>description}. */
    private void load() {
        if (memory == null || !Files.isRegularFile(memory)) {
            return;
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(memory, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("forge: {} cannot be read ({}); statuses are posted again", memory, e.getMessage());
            return;
        }
        for (String key : new TreeMap<>(p).keySet().stream().map(Object::toString).toList()) {
            String[] k = key.split(" ", 2);
            String[] v = p.getProperty(key).split("\t", 3);
            try {
                if (k.length == 2 && v.length == 3) {
                    Status s = new Status(k[0], k[1], CommitState.valueOf(v[0]), v[2], null,
                            v[1].isEmpty() ? null : v[1]);
                    posted.put(s.key(), s);
                }
            } catch (IllegalArgumentException e) {
                // an entry from another version: posted again
            }
        }
    }

    private void save() {
        if (memory == null) {
            return;
        }
        Properties p = new Properties();
        for (Status s : posted.values()) {
            p.setProperty(s.key(), s.state() + "\t" + (s.change() == null ? "" : s.change()) + "\t"
                    + (s.description() == null ? "" : s.description()));
        }
        try {
            Files.createDirectories(memory.toAbsolutePath().getParent());
            Path tmp = memory.resolveSibling(memory.getFileName() + ".tmp");
            try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(out, "commit statuses gitfleet posted: sha context = state, change, description");
            }
            Files.move(tmp, memory, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("forge: cannot remember the posted statuses in {}: {}", memory, e.getMessage());
        }
    }
}
