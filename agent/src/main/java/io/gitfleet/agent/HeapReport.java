package io.gitfleet.agent;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code -Dgitfleet.heapReport=true}: samples the used heap while the agent runs and prints the peak on exit.
 * The benchmark uses it to show that memory does not grow with the image.
 */
final class HeapReport {
    private HeapReport() {
    }

    static void startIfAsked() {
        if (!Boolean.getBoolean("gitfleet.heapReport")) {
            return;
        }
        AtomicLong peak = new AtomicLong();
        var memory = ManagementFactory.getMemoryMXBean();
        Thread sampler = new Thread(() -> {
            while (true) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            long live = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
                    // What survived the last collection of each pool: the live set, without garbage.
                    live += pool.getCollectionUsage().getUsed();
                }
            }
            System.err.printf("peak heap used: %.1f MiB (sampled every 10 ms, garbage included); live after the "
                    + "last GC: %.1f MiB; max heap %.0f MiB%n", peak.get() / 1048576.0, live / 1048576.0,
                    memory.getHeapMemoryUsage().getMax() / 1048576.0);
        }));
    }
}
