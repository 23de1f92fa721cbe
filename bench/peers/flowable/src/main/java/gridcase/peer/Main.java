package gridcase.peer;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.flowable.common.engine.impl.persistence.StrongUuidGenerator;
import org.flowable.engine.ProcessEngine;
import org.flowable.engine.ProcessEngineConfiguration;
import org.flowable.engine.delegate.DelegateExecution;
import org.flowable.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.flowable.engine.impl.cfg.StandaloneProcessEngineConfiguration;
import org.flowable.engine.runtime.ProcessInstance;
import org.flowable.task.api.Task;

/**
 * The Flowable peer of `npm run bench` (section flowable): Flowable 7.1 embedded in this process
 * (no HTTP, no sign-in), on its own MariaDB database, driven the way its users drive it. Every
 * command prints JSON lines on stdout; the last one is its result.
 *
 * <pre>
 *   deploy                                        create the schema, deploy closed-loop.bpmn20.xml
 *   throughput CALLERS SECONDS WARMUP GROUP       start → candidate-group task query → complete(reject), closed loop
 *   load CASES OPEN_FILE                          bulk-load history (ACT_HI_*) and the running share (ACT_RU_*) with SQL
 *   query CALLERS SECONDS GROUPS                  taskCandidateGroupIn(GROUPS), first page by due date, closed loop
 *   timers N WINDOW_SECONDS VILLAGE TOWNSHIP      N boundary timers due within one window, how fast they escalate
 * </pre>
 *
 * Connection: FLOWABLE_JDBC_URL, FLOWABLE_DB_USER, FLOWABLE_DB_PASSWORD.
 */
public final class Main {
  private static final String CLOSED_LOOP = "standard-closed-loop";
  private static final String TIMER_PROCESS = "bench-timer-escalation";
  private static final int PAGE = 20;

  public static void main(String[] args) throws Exception {
    if (args.length == 0) throw new IllegalArgumentException("usage: deploy | throughput | load | query | timers (see Main.java)");
    switch (args[0]) {
      case "deploy" -> deploy();
      case "throughput" -> throughput(Integer.parseInt(args[1]), Double.parseDouble(args[2]), Double.parseDouble(args[3]), args[4]);
      case "load" -> Loader.load(engine(4, false), Integer.parseInt(args[1]), Path.of(args[2]));
      case "query" -> query(Integer.parseInt(args[1]), Double.parseDouble(args[2]), List.of(args[3].split(",")));
      case "timers" -> timers(Integer.parseInt(args[1]), Double.parseDouble(args[2]), args[3], args[4]);
      default -> throw new IllegalArgumentException("unknown command " + args[0]);
    }
    System.exit(0);
  }

  // ---- the engine, configured as its users would ----

  static HikariDataSource dataSource(int pool) {
    HikariConfig c = new HikariConfig();
    // the URL carries sessionVariables=optimizer_switch='exists_to_in=off' (see README.md)
    c.setJdbcUrl(env("FLOWABLE_JDBC_URL"));
    c.setUsername(env("FLOWABLE_DB_USER"));
    c.setPassword(System.getenv().getOrDefault("FLOWABLE_DB_PASSWORD", ""));
    // READ COMMITTED, as Flowable advises on MySQL: under REPEATABLE READ concurrent starts
    // deadlock on the gap locks of ACT_RU_VARIABLE's inserts
    c.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    c.setMaximumPoolSize(pool);
    c.setMinimumIdle(Math.min(pool, 4));
    return new HikariDataSource(c);
  }

  static ProcessEngine engine(int pool, boolean jobs) {
    StandaloneProcessEngineConfiguration cfg = new StandaloneProcessEngineConfiguration();
    cfg.setDataSource(dataSource(pool));
    cfg.setDatabaseSchemaUpdate(ProcessEngineConfiguration.DB_SCHEMA_UPDATE_TRUE);
    // UUIDs, as Flowable's Spring Boot starter configures by default (safe with several nodes)
    cfg.setIdGenerator(new StrongUuidGenerator());
    cfg.setBeans(new HashMap<>(Map.of("escalation", new Escalation())));
    cfg.setAsyncExecutorActivate(jobs);
    // The async executor, tuned for timers due together: look for due timers every 500 ms
    // (default 10 s) and async jobs every 500 ms (default 10 s), take up to 512 of each per
    // acquisition (default 1 and 1), 16 threads (default 8) with a queue of 2048 (the default).
    cfg.setAsyncExecutorDefaultTimerJobAcquireWaitTime(500);
    cfg.setAsyncExecutorDefaultAsyncJobAcquireWaitTime(500);
    cfg.setAsyncExecutorMaxTimerJobsPerAcquisition(512);
    cfg.setAsyncExecutorMaxAsyncJobsDuePerAcquisition(512);
    cfg.setAsyncExecutorCorePoolSize(16);
    cfg.setAsyncExecutorMaxPoolSize(16);
    cfg.setAsyncExecutorThreadPoolQueueSize(2048);
    return cfg.buildProcessEngine();
  }

  /** escalateTier: the case moves one tier up; 处置/响应 open again there with a quiet deadline. */
  public static final class Escalation {
    public void up(DelegateExecution execution) {
      Object up = execution.getVariable("upGroup");
      if (up != null) execution.setVariable("tierGroup", up);
      execution.setVariable("tier", "TOWNSHIP");
      execution.setVariable("dueAt", new Date(System.currentTimeMillis() + 86_400_000L));
      execution.setVariable("handleLimit", "P1D");
    }
  }

  static void deploy() {
    long t0 = System.nanoTime();
    ProcessEngine engine = engine(4, false);
    var existing = engine.getRepositoryService().createProcessDefinitionQuery().processDefinitionKey(CLOSED_LOOP).count();
    if (existing == 0) engine.getRepositoryService().createDeployment().name("gridcase-bench").addClasspathResource("closed-loop.bpmn20.xml").addClasspathResource("timer-escalation.bpmn20.xml").deploy();
    emit(Map.of("cmd", "deploy", "ms", (System.nanoTime() - t0) / 1e6, "deployedBefore", existing > 0));
  }

  // ---- 1. case throughput ----

  static Map<String, Object> caseVars(String group) {
    Map<String, Object> v = new HashMap<>();
    v.put("tierGroup", group);
    v.put("upGroup", group.replace("unit:", "up:"));
    v.put("reporter", "wangfang");
    v.put("category", "SS01");
    v.put("description", "井盖缺失（压测）");
    v.put("handleLimit", "P1D");
    return v;
  }

  /** One case as the intake bench drives GridCase's: start, the handler's candidate-group query finds its 受理 task, complete with reject. */
  static void throughput(int callers, double seconds, double warmup, String group) throws Exception {
    ProcessEngine engine = engine(callers + 4, false);
    var runtime = engine.getRuntimeService();
    var tasks = engine.getTaskService();
    List<String> groups = List.of(group);
    LoopOp op = () -> {
      ProcessInstance pi = runtime.startProcessInstanceByKey(CLOSED_LOOP, caseVars(group));
      List<Task> mine = tasks.createTaskQuery().taskCandidateGroupIn(groups).processInstanceId(pi.getId()).list();
      if (mine.size() != 1 || !"Task_Accept".equals(mine.get(0).getTaskDefinitionKey())) throw new IllegalStateException(pi.getId() + ": " + mine.size() + " tasks, expected its 受理");
      tasks.complete(mine.get(0).getId(), Map.of("outcome", "reject"));
    };
    if (warmup > 0) closedLoop(callers, warmup, op);
    Map<String, Object> r = closedLoop(callers, seconds, op, true);
    long running = runtime.createProcessInstanceQuery().processDefinitionKey(CLOSED_LOOP).count();
    r.put("cmd", "throughput");
    r.put("callers", callers);
    r.put("stillRunning", running);
    emit(r);
  }

  // ---- 2. the candidate-group task query ----

  static void query(int callers, double seconds, List<String> groups) throws Exception {
    ProcessEngine engine = engine(callers + 2, false);
    var tasks = engine.getTaskService();
    AtomicInteger items = new AtomicInteger();
    LoopOp op = () -> items.set(tasks.createTaskQuery().taskCandidateGroupIn(groups).orderByDueDateNullsLast().asc().listPage(0, PAGE).size());
    closedLoop(Math.min(callers, 4), 2, op);
    Map<String, Object> single = closedLoop(1, Math.min(5, seconds), op);
    Map<String, Object> r = closedLoop(callers, seconds, op, true);
    r.put("cmd", "query");
    r.put("callers", callers);
    r.put("items", items.get());
    r.put("singleP50", single.get("p50"));
    r.put("singleP99", single.get("p99"));
    r.put("openTasks", tasks.createTaskQuery().count());
    r.put("offered", tasks.createTaskQuery().taskCandidateGroupIn(groups).count());
    r.put("optimizerSwitch", sessionOptimizerSwitch(engine));
    emit(r);
  }

  static String sessionOptimizerSwitch(ProcessEngine engine) throws Exception {
    DataSource ds = ((ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration()).getDataSource();
    try (Connection c = ds.getConnection(); ResultSet rs = c.createStatement().executeQuery("SELECT @@SESSION.optimizer_switch")) {
      rs.next();
      String s = rs.getString(1);
      int at = s.indexOf("exists_to_in=");
      return at < 0 ? s : s.substring(at, s.indexOf(',', at) < 0 ? s.length() : s.indexOf(',', at));
    }
  }

  // ---- 3. timers due together ----

  static void timers(int n, double windowSeconds, String village, String township) throws Exception {
    ProcessEngine engine = engine(24, true);
    var runtime = engine.getRuntimeService();
    DataSource ds = ((ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration()).getDataSource();
    int starters = 4;
    // warm-up cases with a quiet deadline: their start rate plans when the measured window can begin
    int warm = Math.max(20, n / 30);
    AtomicInteger k = new AtomicInteger();
    long w0 = System.nanoTime();
    parallel(starters, warm, i -> {
      Map<String, Object> v = caseVars(village);
      v.put("upGroup", township);
      v.put("dueAt", new Date(System.currentTimeMillis() + 86_400_000L));
      runtime.startProcessInstanceByKey(TIMER_PROCESS, v);
      k.incrementAndGet();
    });
    double warmRate = warm / ((System.nanoTime() - w0) / 1e9);
    // the first deadline once all are started (at 60 % of the warm-up's rate) and 10 s more
    long windowMs = Math.round(windowSeconds * 1000);
    long firstDue = System.currentTimeMillis() + Math.round(1000 * n / (0.6 * warmRate)) + 10_000;
    Map<String, Long> due = new ConcurrentHashMap<>();
    long s0 = System.nanoTime();
    AtomicLong lastStart = new AtomicLong();
    parallel(starters, n, i -> {
      long at = firstDue + (long) i * windowMs / n;
      Map<String, Object> v = caseVars(village);
      v.put("upGroup", township);
      v.put("dueAt", new Date(at));
      ProcessInstance pi = runtime.startProcessInstanceByKey(TIMER_PROCESS, v);
      due.put(pi.getId(), at);
      lastStart.accumulateAndGet(System.currentTimeMillis(), Math::max);
    });
    double startSeconds = (System.nanoTime() - s0) / 1e9;
    long lastDue = firstDue + windowMs;
    emit(Map.of("cmd", "timers-started", "n", n, "startSeconds", startSeconds, "warmRate", warmRate, "firstDue", firstDue, "lastDue", lastDue, "lastStartAfterFirstDueMs", lastStart.get() - firstDue));

    // watch the escalations appear (ACT_HI_ACTINST rows of 逐级上报), every 200 ms
    Map<String, Long> seen = new HashMap<>();
    Map<String, Long> recorded = new HashMap<>();
    long maxWaitMs = Math.max(60_000, Math.round(3 * windowMs));
    long since = firstDue - 1000;
    try (Connection c = ds.getConnection();
         PreparedStatement ps = c.prepareStatement("SELECT PROC_INST_ID_, START_TIME_ FROM ACT_HI_ACTINST WHERE ACT_ID_ = 'Task_EscalateRespond' AND START_TIME_ >= ?")) {
      while (seen.size() < n && System.currentTimeMillis() < lastDue + maxWaitMs) {
        Thread.sleep(200);
        ps.setTimestamp(1, new Timestamp(since));
        long now = System.currentTimeMillis();
        long newest = since;
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String id = rs.getString(1);
            long t = rs.getTimestamp(2).getTime();
            newest = Math.max(newest, t);
            if (due.containsKey(id) && !seen.containsKey(id)) {
              seen.put(id, now);
              recorded.put(id, t);
            }
          }
        }
        // rows commit after their START_TIME_: read the last 5 s again
        since = Math.max(since, newest - 5_000);
      }
    }
    List<Double> seenLate = new ArrayList<>();
    List<Double> recordedLate = new ArrayList<>();
    long lastEscalation = 0;
    for (var e : seen.entrySet()) {
      long d = due.get(e.getKey());
      seenLate.add((e.getValue() - d) / 1.0);
      recordedLate.add((recorded.get(e.getKey()) - d) / 1.0);
      lastEscalation = Math.max(lastEscalation, recorded.get(e.getKey()));
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("cmd", "timers");
    r.put("n", n);
    r.put("windowSeconds", windowSeconds);
    r.put("escalated", seen.size());
    r.put("notEscalated", n - seen.size());
    r.put("waitedMs", System.currentTimeMillis() - lastDue);
    r.put("startSeconds", startSeconds);
    r.put("startsPerSecond", n / startSeconds);
    r.put("perSecond", seen.isEmpty() ? 0 : seen.size() / Math.max(0.001, (lastEscalation - firstDue) / 1000.0));
    r.put("seen", summary(seenLate));
    r.put("recorded", summary(recordedLate));
    r.put("settings", "timer acquire wait 500 ms, async job acquire wait 500 ms, 512 timer jobs and 512 async jobs per acquisition, 16 executor threads, queue 2048");
    engine.close();
    emit(r);
  }

  // ---- plumbing ----

  interface LoopOp {
    void run() throws Exception;
  }

  interface IndexOp {
    void run(int i) throws Exception;
  }

  /** `callers` threads repeat op for `seconds`; completions per second, latency and the process's CPU. */
  static Map<String, Object> closedLoop(int callers, double seconds, LoopOp op) throws Exception {
    return closedLoop(callers, seconds, op, false);
  }

  /** marked: a {"mark":"begin"} and a {"mark":"end"} line around the loop (the bench reads MariaDB's CPU at each) */
  static Map<String, Object> closedLoop(int callers, double seconds, LoopOp op, boolean marked) throws Exception {
    if (marked) emit(Map.of("mark", "begin"));
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    long end = t0 + Math.round(seconds * 1e9);
    List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger errors = new AtomicInteger();
    List<String> samples = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    List<Future<?>> running = new ArrayList<>();
    for (int c = 0; c < callers; c++) {
      running.add(pool.submit(() -> {
        while (System.nanoTime() < end) {
          long a = System.nanoTime();
          try {
            op.run();
            latencies.add((System.nanoTime() - a) / 1e6);
          } catch (Exception e) {
            errors.incrementAndGet();
            if (samples.size() < 3) samples.add(rootMessage(e));
          }
        }
      }));
    }
    for (Future<?> f : running) f.get();
    pool.shutdown();
    if (marked) emit(Map.of("mark", "end"));
    double elapsed = (System.nanoTime() - t0) / 1e9;
    Map<String, Object> r = new LinkedHashMap<>(summary(latencies));
    r.put("completed", latencies.size());
    r.put("perSecond", latencies.size() / elapsed);
    r.put("errors", errors.get());
    r.put("errorSamples", samples);
    r.put("elapsedSeconds", elapsed);
    r.put("cpuMs", (os.getProcessCpuTime() - cpu0) / 1e6);
    return r;
  }

  static String rootMessage(Throwable e) {
    Throwable r = e;
    while (r.getCause() != null && r.getCause() != r) r = r.getCause();
    String m = r.getClass().getSimpleName() + ": " + r.getMessage();
    return m.length() > 200 ? m.substring(0, 200) : m;
  }

  static void parallel(int threads, int count, IndexOp op) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicInteger next = new AtomicInteger();
    List<Future<?>> running = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      running.add(pool.submit(() -> {
        for (int i; (i = next.getAndIncrement()) < count; ) op.run(i);
        return null;
      }));
    }
    for (Future<?> f : running) f.get();
    pool.shutdown();
  }

  static Map<String, Object> summary(List<Double> xs) {
    double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("count", s.length);
    r.put("p50", pct(s, 50));
    r.put("p95", pct(s, 95));
    r.put("p99", pct(s, 99));
    r.put("max", s.length == 0 ? null : s[s.length - 1]);
    r.put("mean", s.length == 0 ? null : Arrays.stream(s).average().orElse(0));
    return r;
  }

  /** nearest rank, like bench/lib/stats.ts */
  static Double pct(double[] sorted, double p) {
    if (sorted.length == 0) return null;
    int rank = (int) Math.ceil(p / 100 * sorted.length);
    return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
  }

  static String env(String name) {
    String v = System.getenv(name);
    if (v == null || v.isEmpty()) throw new IllegalStateException(name + " is not set");
    return v;
  }

  /** One JSON line on stdout. */
  static void emit(Map<String, ?> m) {
    System.out.println(Json.write(m));
    System.out.flush();
  }

  static final class Json {
    static String write(Object o) {
      if (o == null) return "null";
      if (o instanceof Map<?, ?> m) {
        StringBuilder b = new StringBuilder("{");
        for (var e : m.entrySet()) {
          if (b.length() > 1) b.append(',');
          b.append(write(String.valueOf(e.getKey()))).append(':').append(write(e.getValue()));
        }
        return b.append('}').toString();
      }
      if (o instanceof List<?> l) {
        StringBuilder b = new StringBuilder("[");
        for (Object x : l) b.append(b.length() > 1 ? "," : "").append(write(x));
        return b.append(']').toString();
      }
      if (o instanceof Double d) return d.isNaN() || d.isInfinite() ? "null" : d.toString();
      if (o instanceof Number || o instanceof Boolean) return o.toString();
      String s = o.toString();
      StringBuilder b = new StringBuilder("\"");
      for (char ch : s.toCharArray()) {
        if (ch == '"' || ch == '\\') b.append('\\').append(ch);
        else if (ch < 0x20) b.append(String.format("\\u%04x", (int) ch));
        else b.append(ch);
      }
      return b.append('"').toString();
    }
  }
}
