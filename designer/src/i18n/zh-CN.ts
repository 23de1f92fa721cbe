/** The console's texts in Chinese (the default language). */
export default {
  app: { name: 'GridCase 网格化管理平台', short: 'GridCase', signOut: '退出登录', language: '语言', docs: 'API 文档' },
  roles: { ADMINISTRATOR: '系统管理员', DISPATCHER: '派遣员', HANDLER: '处置人员', GRID_WORKER: '网格员', SUPERVISOR: '督办人员', AUDITOR: '审计人员', REPORTER: '上报人' },
  nav: { processes: '流程设计', categories: '事件分类', inbox: '待办', supervision: '督办', cases: '案件查询', reports: '我的上报' },
  signIn: {
    title: '登录', subtitle: '网格化管理 · 案件办理平台', username: '用户名', password: '密码', submit: '登录',
    required: '请输入用户名和密码', failed: '登录失败',
  },
  processes: {
    title: '流程定义', search: '搜索流程标识或名称', key: '流程标识', name: '名称', usedBy: '使用的事件分类', latest: '当前版本', deployedBy: '部署人',
    deployedAt: '部署时间', versions: '版本数', cases: '案件数', draft: '草稿', hasDraft: '有未部署的草稿', none: '未部署', actions: '操作', edit: '设计',
    history: '版本', bind: '绑定分类', newProcess: '新建流程', fromTemplate: '参考流程', empty: '（空白流程）', create: '创建', cancel: '取消',
    keyHint: '小写字母、数字和连字符，例如 env-complaint', created: '流程已创建', bindTitle: '绑定事件分类到流程 {key}', bindHint: '选中的事件分类的新案件将按此流程办理',
    bound: '已更新 {n} 个事件分类', noCategories: '无', readOnlyNote: '只有市级系统管理员可以修改流程', importFile: '导入 BPMN 文件', caseCount: '{total} 件（在办 {open} 件）',
  },
  versions: {
    title: '{name} 的版本', version: '版本', comment: '说明', deployedBy: '部署人', deployedAt: '部署时间', cases: '案件', open: '查看', compare: '比较',
    compareWith: '与上一版比较', compareDraft: '与草稿比较', latest: '最新',
  },
  editor: {
    save: '保存草稿', saved: '草稿已保存', deploy: '部署', deployTitle: '部署为第 {n} 版', comment: '部署说明', commentHint: '这一版改了什么（会显示在版本列表中）',
    deployed: '已部署第 {n} 版', unchanged: '草稿与最新版本相同，未产生新版本', undo: '撤销', redo: '重做', validate: '检查', valid: '检查通过，可以部署',
    problems: '问题', errors: '{n} 个错误', warnings: '{n} 个警告', noProblems: '没有问题', readOnly: '只读：第 {n} 版', backToDraft: '编辑草稿', versions: '版本',
    import: '导入文件', export: '下载 BPMN', unsaved: '有未保存的修改', leaveConfirm: '有未保存的修改，确定离开吗？', conflict: '草稿已被其他管理员修改',
    conflictDetail: '您打开草稿后，另一位管理员保存了新的内容。您的修改仍在编辑器中：可以下载保存，或重新加载最新草稿。', reload: '加载最新草稿', keep: '保留我的修改',
    cannotDeploy: '无法部署', unsupported: '此流程图包含 GridCase 无法运行的元素', lintErrors: '请先修正流程图中的错误', saveFailed: '保存失败，您的修改仍在编辑器中',
    deployFailed: '部署失败，您的修改仍在编辑器中', newFromTemplate: '从参考流程开始', fileRefused: '文件被拒绝', loading: '加载中…', dirty: '未保存', clean: '已保存',
    serverErrors: '服务器检查发现 {n} 个错误', element: '元素', message: '说明', diff: '比较版本',
  },
  diff: {
    title: '比较 {key}', left: '旧版本', right: '新版本', draft: '草稿', added: '新增', removed: '删除', changed: '修改', moved: '移动', property: '属性',
    before: '修改前', after: '修改后', noChanges: '两个版本没有差别', summary: '新增 {added} · 删除 {removed} · 修改 {changed} · 移动 {moved}', compare: '比较',
  },
  common: { back: '返回', close: '关闭', confirm: '确定', cancel: '取消', loading: '加载中…', notFound: '页面不存在', retry: '重试' },
};
