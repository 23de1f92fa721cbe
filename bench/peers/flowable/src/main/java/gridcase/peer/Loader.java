package gridcase.peer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.flowable.engine.ProcessEngine;
import org.flowable.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.flowable.engine.runtime.ProcessInstance;
import org.flowable.task.api.Task;

/**
 * Bulk load of Flowable history in the shape Flowable writes it, like bench/lib/bulk-load.ts does
 * for GridCase: the engine itself runs two template cases of standard-closed-loop (one rejected
 * at 受理, one left open at 受理), and their rows are copied with SQL: every id of the template
 * replaced by a fresh UUID, every time shifted to the copy's own.
 *
 * <ul>
 *   <li>ended cases (CASES minus the open ones, spread over the last 730 days): ACT_HI_PROCINST and
 *       1–4 ACT_HI_TASKINST each (2.5 on average, like GridCase's history: 受理, 立案, 派遣, 处置);</li>
 *   <li>open cases, one per line of OPEN_FILE (`dueEpochMs TAB createdEpochMs TAB group,group…`, GridCase's
 *       open tasks with their candidates): ACT_RU_EXECUTION (the instance and its child executions),
 *       ACT_RU_TASK, ACT_RU_IDENTITYLINK (one candidate row per group), ACT_RU_VARIABLE,
 *       ACT_HI_PROCINST, ACT_HI_TASKINST, ACT_HI_IDENTITYLINK.</li>
 * </ul>
 *
 * Not copied: activity and variable history (ACT_HI_ACTINST, ACT_HI_VARINST) and the open cases'
 * timer jobs, which the task query does not read (and whose past due times would fire).
 */
final class Loader {
  private static final long DAY = 86_400_000L;
  private static final String[] STEPS = {"Task_Accept", "Task_Register", "Task_Dispatch", "Task_Handle"};
  private static final String[] NAMES = {"受理", "立案", "派遣", "处置"};

  static void load(ProcessEngine engine, int cases, Path openFile) throws Exception {
    long t0 = System.nanoTime();
    DataSource ds = ((ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration()).getDataSource();
    List<String[]> open = new ArrayList<>();
    for (String line : Files.readAllLines(openFile)) if (!line.isBlank()) open.add(line.split("\t", -1));
    int ended = Math.max(0, cases - open.size());

    // the templates, written by the engine
    var runtime = engine.getRuntimeService();
    var tasks = engine.getTaskService();
    ProcessInstance done = runtime.startProcessInstanceByKey("standard-closed-loop", Main.caseVars("template:HANDLER"));
    Task accept = tasks.createTaskQuery().processInstanceId(done.getId()).singleResult();
    tasks.complete(accept.getId(), Map.of("outcome", "reject"));
    ProcessInstance running = runtime.startProcessInstanceByKey("standard-closed-loop", Main.caseVars("template:HANDLER"));
    Task openTask = tasks.createTaskQuery().processInstanceId(running.getId()).singleResult();

    long rows;
    try (Connection c = ds.getConnection()) {
      Template hiProc = Template.read(c, "ACT_HI_PROCINST", "PROC_INST_ID_", done.getId());
      Template hiTask = Template.read(c, "ACT_HI_TASKINST", "PROC_INST_ID_", done.getId());
      List<Template> runningShape = new ArrayList<>();
      for (String table : List.of("ACT_RU_EXECUTION", "ACT_RU_TASK", "ACT_RU_VARIABLE", "ACT_HI_PROCINST", "ACT_HI_TASKINST")) runningShape.add(Template.read(c, table, "PROC_INST_ID_", running.getId()));
      Template ruLink = Template.read(c, "ACT_RU_IDENTITYLINK", "TASK_ID_", openTask.getId());
      Template hiLink = Template.read(c, "ACT_HI_IDENTITYLINK", "TASK_ID_", openTask.getId());
      Set<String> ids = new HashSet<>();
      for (Template t : runningShape) ids.addAll(t.ids());
      ids.add(openTask.getId());
      long base = openTask.getCreateTime().getTime();

      // ended cases: one thread for the process instances, one for their tasks
      long now = System.currentTimeMillis();
      ExecutorService pool = Executors.newFixedThreadPool(2);
      Future<Long> procs = pool.submit(() -> {
        try (Connection w = bulk(ds)) {
          Batch b = new Batch(w, hiProc);
          for (int i = 0; i < ended; i++) b.add(0, Map.of("ID_", pid(i), "PROC_INST_ID_", pid(i)), startOf(i, ended, now) - hiProc.start());
          return b.close();
        }
      });
      Future<Long> hist = pool.submit(() -> {
        try (Connection w = bulk(ds)) {
          Batch b = new Batch(w, hiTask);
          for (int i = 0; i < ended; i++) {
            long shift = startOf(i, ended, now) - hiTask.start();
            for (int k = 0; k <= i % 4; k++) b.add(0, Map.of("ID_", tid(i, k), "PROC_INST_ID_", pid(i), "TASK_DEF_KEY_", STEPS[k], "NAME_", NAMES[k]), shift + k * 3_600_000L);
          }
          return b.close();
        }
      });
      rows = procs.get() + hist.get();
      pool.shutdown();

      // open cases
      try (Connection w = bulk(ds)) {
        Map<Template, Batch> batches = new LinkedHashMap<>();
        for (Template t : runningShape) batches.put(t, new Batch(w, t));
        Batch ru = new Batch(w, ruLink);
        Batch hi = new Batch(w, hiLink);
        for (String[] line : open) {
          Map<String, Object> fresh = new HashMap<>();
          for (String id : ids) fresh.put(id, UUID.randomUUID().toString());
          long created = line[1].isEmpty() ? now : Long.parseLong(line[1]);
          Object due = line[0].isEmpty() ? null : new Timestamp(Long.parseLong(line[0]));
          long shift = created - base;
          for (var e : batches.entrySet()) {
            Template t = e.getKey();
            for (int r = 0; r < t.rows.size(); r++) {
              Map<String, Object> over = new HashMap<>();
              for (int col = 0; col < t.cols.size(); col++) {
                Object v = t.rows.get(r)[col];
                if (v instanceof String s && fresh.containsKey(s)) over.put(t.cols.get(col), fresh.get(s));
              }
              if (t.table.equals("ACT_RU_TASK")) over.put("DUE_DATE_", due);
              if (t.table.equals("ACT_HI_TASKINST")) over.put("DUE_DATE_", due);
              e.getValue().add(r, over, shift);
            }
          }
          for (String g : line[2].split(",")) {
            if (g.isEmpty()) continue;
            String task = (String) fresh.get(openTask.getId());
            ru.add(0, Map.of("ID_", UUID.randomUUID().toString(), "TASK_ID_", task, "PROC_INST_ID_", fresh.get(running.getId()), "GROUP_ID_", g), shift);
            hi.add(0, Map.of("ID_", UUID.randomUUID().toString(), "TASK_ID_", task, "PROC_INST_ID_", fresh.get(running.getId()), "GROUP_ID_", g), shift);
          }
        }
        for (Batch b : batches.values()) rows += b.close();
        rows += ru.close() + hi.close();
      }
      // the templates go: what stays is the loaded history alone
      runtime.deleteProcessInstance(running.getId(), "bench template");
      engine.getHistoryService().deleteHistoricProcessInstance(running.getId());
      engine.getHistoryService().deleteHistoricProcessInstance(done.getId());
      long a0 = System.nanoTime();
      try (var s = c.createStatement()) {
        s.execute("ANALYZE TABLE ACT_HI_PROCINST, ACT_HI_TASKINST, ACT_RU_EXECUTION, ACT_RU_TASK, ACT_RU_IDENTITYLINK, ACT_RU_VARIABLE, ACT_HI_IDENTITYLINK");
      }
      double analyzeSeconds = (System.nanoTime() - a0) / 1e9;
      double seconds = (System.nanoTime() - t0) / 1e9;
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("cmd", "load");
      r.put("cases", ended + open.size());
      r.put("endedCases", ended);
      r.put("openCases", open.size());
      r.put("rows", rows);
      r.put("seconds", seconds);
      r.put("rowsPerSecond", rows / seconds);
      r.put("analyzeSeconds", analyzeSeconds);
      Main.emit(r);
    }
  }

  /**
   * Ids of the ended copies in ascending order: InnoDB then appends to the primary key instead of
   * inserting at random into a B-tree of gigabytes (random UUIDs made the 2.5 M task rows crawl).
   */
  private static String pid(int i) {
    return new UUID(0x6772696463617365L, i).toString();
  }

  private static String tid(int i, int k) {
    return new UUID(0x7461736b00000000L, (long) i * 4 + k).toString();
  }

  /** ended case i of n: evenly over the last 730 days, oldest first (primary keys are UUIDs anyway) */
  private static long startOf(int i, int n, long now) {
    return now - 730 * DAY + (long) ((730.0 * DAY - DAY) * i / Math.max(1, n));
  }

  private static Connection bulk(DataSource ds) throws Exception {
    Connection c = ds.getConnection();
    try (var s = c.createStatement()) {
      s.execute("SET SESSION foreign_key_checks = 0, unique_checks = 0");
    }
    c.setAutoCommit(false);
    return c;
  }

  /** The rows one table holds for a template case. */
  static final class Template {
    final String table;
    final List<String> cols = new ArrayList<>();
    final List<Object[]> rows = new ArrayList<>();

    Template(String table) {
      this.table = table;
    }

    static Template read(Connection c, String table, String column, String value) throws Exception {
      Template t = new Template(table);
      try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table + " WHERE " + column + " = ?")) {
        ps.setString(1, value);
        try (ResultSet rs = ps.executeQuery()) {
          ResultSetMetaData md = rs.getMetaData();
          for (int i = 1; i <= md.getColumnCount(); i++) t.cols.add(md.getColumnName(i).toUpperCase());
          while (rs.next()) {
            Object[] row = new Object[t.cols.size()];
            for (int i = 0; i < row.length; i++) row[i] = rs.getObject(i + 1);
            t.rows.add(row);
          }
        }
      }
      if (t.rows.isEmpty()) throw new IllegalStateException("the template case wrote no row into " + table);
      return t;
    }

    Set<String> ids() {
      Set<String> s = new HashSet<>();
      int at = cols.indexOf("ID_");
      if (at >= 0) for (Object[] r : rows) if (r[at] instanceof String x) s.add(x);
      return s;
    }

    /** the earliest time in the template's first row (what the copies shift from) */
    long start() {
      long min = Long.MAX_VALUE;
      for (Object v : rows.get(0)) if (v instanceof Timestamp ts) min = Math.min(min, ts.getTime());
      if (min == Long.MAX_VALUE) {
        for (Object v : rows.get(0)) if (v instanceof java.time.LocalDateTime l) min = Math.min(min, Timestamp.valueOf(l).getTime());
      }
      return min;
    }
  }

  /** Multi-row INSERTs of a template's copies, committed every 20 statements. */
  static final class Batch {
    private final Connection c;
    private final Template t;
    private final int perStatement;
    private final List<Object> params = new ArrayList<>();
    private int pending;
    private int statements;
    private long written;

    Batch(Connection c, Template t) {
      this.c = c;
      this.t = t;
      this.perStatement = Math.max(1, Math.min(1000, 30_000 / t.cols.size()));
    }

    /** A copy of the template's row r: `over` replaces columns (ID_ always gets a fresh UUID unless given), times shift by `shiftMs`. */
    void add(int r, Map<String, Object> over, long shiftMs) throws Exception {
      Object[] row = t.rows.get(r);
      for (int i = 0; i < row.length; i++) {
        String col = t.cols.get(i);
        Object v;
        if (over.containsKey(col)) v = over.get(col);
        else if (col.equals("ID_")) v = UUID.randomUUID().toString();
        else v = row[i];
        if (v instanceof java.time.LocalDateTime l) v = Timestamp.valueOf(l);
        if (v instanceof Timestamp ts && !over.containsKey(col)) v = new Timestamp(ts.getTime() + shiftMs);
        params.add(v);
      }
      if (++pending == perStatement) flush();
    }

    private void flush() throws Exception {
      if (pending == 0) return;
      String one = "(" + "?,".repeat(t.cols.size() - 1) + "?)";
      StringBuilder sql = new StringBuilder("INSERT INTO ").append(t.table).append(" (").append(String.join(",", t.cols)).append(") VALUES ");
      for (int i = 0; i < pending; i++) sql.append(i == 0 ? "" : ",").append(one);
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        for (int i = 0; i < params.size(); i++) ps.setObject(i + 1, params.get(i));
        ps.executeUpdate();
      }
      written += pending;
      pending = 0;
      params.clear();
      if (++statements % 20 == 0) c.commit();
    }

    long close() throws Exception {
      flush();
      c.commit();
      return written;
    }
  }
}
