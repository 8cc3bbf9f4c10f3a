<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>AboutDialog</name>
    <message>
        <location filename="../../ui/about.py" line="56"/>
        <source>关于一站式受理台</source>
        <translation>About the One-Stop Reception Desk</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="78"/>
        <source>一站式受理台</source>
        <translation>One-Stop Reception Desk</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="85"/>
        <source>版本 …</source>
        <translation>Version …</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="88"/>
        <source>综治中心统一受理、分流转办、跟踪督办</source>
        <translation>Unified intake, routing and follow-up for the one-stop reception hall</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="99"/>
        <source>运行环境：</source>
        <translation>Runtime:</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="100"/>
        <source>程序位置：</source>
        <translation>Program folder:</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="101"/>
        <source>数据库：</source>
        <translation>Database:</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="102"/>
        <source>数据库文件：</source>
        <translation>Database file:</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="103"/>
        <source>数据文件夹：</source>
        <translation>Data folder:</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="104"/>
        <source>配置文件夹：</source>
        <translation>Configuration folder:</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="105"/>
        <source>日志文件夹：</source>
        <translation>Log folder:</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="106"/>
        <source>本厅配置文件：</source>
        <translation>Hall configuration:</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="116"/>
        <source>随附的字体和程序库及其许可证</source>
        <translation>Shipped fonts and libraries, and their licences</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="125"/>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="125"/>
        <source>版本</source>
        <translation>Version</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="125"/>
        <source>许可证</source>
        <translation>Licence</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="125"/>
        <source>类别</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="140"/>
        <source>选择一行以查看许可证全文</source>
        <translation>Choose a row to read the licence in full</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="146"/>
        <source>复制(&amp;C)</source>
        <translation>&amp;Copy</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="147"/>
        <source>复制以上信息（不含许可证全文），便于报告问题</source>
        <translation>Copy the information above (without the licence texts) for a support request</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="152"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="158"/>
        <source>Python {0} · Qt {1}（PySide6 {2}）· {3}</source>
        <translation>Python {0} · Qt {1} (PySide6 {2}) · {3}</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="167"/>
        <source>版本 {0}</source>
        <translation>Version {0}</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="177"/>
        <source>字体</source>
        <translation>Font</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="178"/>
        <source>运行环境</source>
        <translation>Runtime</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="179"/>
        <source>程序库</source>
        <translation>Library</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="180"/>
        <source>依赖库</source>
        <translation>Dependency</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="194"/>
        <source>无法读取程序信息：{0}</source>
        <translation>Could not read the program information: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/about.py" line="208"/>
        <source>（此组件未附许可证全文）</source>
        <translation>(no licence text comes with this component)</translation>
    </message>
</context>
<context>
    <name>AccountsPage</name>
    <message>
        <location filename="../../ui/accounts_page.py" line="243"/>
        <source>账户管理</source>
        <translation>Accounts</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="245"/>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="246"/>
        <source>重新读取账户列表（F5）</source>
        <translation>Read the accounts again (F5)</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="254"/>
        <source>每位工作人员使用自己的账户登录，审计日志记录到人。新账户和重置后的密码为初始密码，本人首次登录时须修改。连续输错 5 次密码，账户锁定 15 分钟，可在此解锁。</source>
        <translation>Everyone signs in with their own account, so the audit trail names the person. A new account&apos;s password and a reset one are first passwords: the person changes them at the first sign-in. Five wrong passwords in a row lock an account for 15 minutes; unlock it here.</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="262"/>
        <source>用户名</source>
        <translation>User name</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="263"/>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="264"/>
        <source>角色</source>
        <translation>Role</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="265"/>
        <source>所属部门</source>
        <translation>Department</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="266"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="267"/>
        <source>锁定至</source>
        <translation>Locked until</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="268"/>
        <source>须修改密码</source>
        <translation>Must change password</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="269"/>
        <source>上次登录</source>
        <translation>Last sign-in</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="276"/>
        <source>新建账户(&amp;N)…</source>
        <translation>&amp;New account…</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="279"/>
        <source>重置密码(&amp;R)…</source>
        <translation>&amp;Reset password…</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="281"/>
        <source>修改角色(&amp;O)…</source>
        <translation>Change r&amp;ole…</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="283"/>
        <location filename="../../ui/accounts_page.py" line="420"/>
        <source>停用(&amp;D)</source>
        <translation>&amp;Deactivate</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="285"/>
        <source>解锁(&amp;U)</source>
        <translation>&amp;Unlock</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="354"/>
        <source>无法读取账户列表：{0}</source>
        <translation>Cannot read the accounts: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="372"/>
        <source>启用</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="372"/>
        <source>已停用</source>
        <translation>Deactivated</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="374"/>
        <source>是</source>
        <translation>Yes</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="374"/>
        <source>否</source>
        <translation>No</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="420"/>
        <source>启用(&amp;E)</source>
        <translation>&amp;Enable</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="443"/>
        <source>已创建账户 {0}（{1}，{2}）。请把初始密码交给本人，首次登录时须修改。</source>
        <translation>Account {0} created ({1}, {2}). Give the first password to the person; they change it at the first sign-in.</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="460"/>
        <source>已重置 {0} 的密码；本人下次登录时须修改。</source>
        <translation>The password of {0} was reset; they change it at the next sign-in.</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="475"/>
        <source>{0} 的角色已改为{1}。</source>
        <translation>{0} is now: {1}.</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="495"/>
        <source>停用账户</source>
        <translation>Deactivate the account</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="497"/>
        <source>停用账户 {0}（{1}）？停用后本人无法再登录；账户和审计记录保留，可随时启用。</source>
        <translation>Deactivate the account {0} ({1})? The person can no longer sign in; the account and its audit records stay, and it can be enabled again at any time.</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="501"/>
        <source>停用</source>
        <translation>Deactivate</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="502"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="521"/>
        <source>已启用账户 {0}。</source>
        <translation>Account {0} enabled.</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="521"/>
        <source>已停用账户 {0}。</source>
        <translation>Account {0} deactivated.</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="535"/>
        <source>已解锁账户 {0}。</source>
        <translation>Account {0} unlocked.</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="88"/>
        <location filename="../../ui/accounts_page.py" line="550"/>
        <source>出现意外错误：{0}</source>
        <translation>An unexpected error occurred: {0}</translation>
    </message>
</context>
<context>
    <name>AnswerDialog</name>
    <message>
        <location filename="../../ui/cases/detail.py" line="487"/>
        <source>录入部门答复</source>
        <translation>Record department answer</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="495"/>
        <source>{0}（{1}，{2}）</source>
        <translation>{0} ({1}, {2})</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="498"/>
        <source>部门(&amp;D)：</source>
        <translation>&amp;Department:</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="502"/>
        <source>答复类型(&amp;K)：</source>
        <translation>&amp;Kind of answer:</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="506"/>
        <location filename="../../ui/cases/detail.py" line="523"/>
        <location filename="../../ui/cases/detail.py" line="528"/>
        <source>说明(&amp;T)：</source>
        <translation>No&amp;tes:</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="509"/>
        <source>部门受理后给出的案号，如（2025）乌人社监字第12号</source>
        <translation>e.g. (2025) 乌人社监字第12号</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="510"/>
        <source>部门案号(&amp;N)：</source>
        <translation>Department case &amp;no.:</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="516"/>
        <source>答复日期(&amp;O)：</source>
        <translation>Answered &amp;on:</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="524"/>
        <source>退回理由(&amp;T)：</source>
        <translation>Reason for re&amp;turn:</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="525"/>
        <source>办理进展(&amp;T)：</source>
        <translation>Progress no&amp;tes:</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="526"/>
        <source>办理结果(&amp;T)：</source>
        <translation>Resul&amp;t:</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <location filename="../../ui/app.py" line="205"/>
        <source>本厅配置文件有误，受理台无法启动。请按以下提示修改后重新启动：</source>
        <extracomment>housekeeping (``storage.maintenance.tidy``): first run after start, then every … the daily backup (``reception.backup.run_daily``): first look after start, then every … (it backs up once a day; a look costs a folder listing)</extracomment>
        <translation>The hall configuration file has errors; the desk cannot start. Correct the following and start again:</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="328"/>
        <source>今天的自动备份没有完成：{0}。请检查备份文件夹，或在“设置”中点“立即备份”。</source>
        <extracomment>the configuration files that changed since this workstation&apos;s last ``config.changed`` record</extracomment>
        <translation>Today&apos;s automatic backup did not complete: {0}. Check the backup folder, or click “Back up now” in Settings.</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="471"/>
        <source>受理台无法启动：{0}：{1}

详细信息已记入日志：{2}</source>
        <translation>The desk could not start: {0}: {1}

The details are in the log: {2}</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="476"/>
        <source>受理台无法启动</source>
        <translation>The desk could not start</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="523"/>
        <source>配置文件有误</source>
        <translation>Configuration error</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="533"/>
        <source>无法打开数据库：{0}

{1}：{2}</source>
        <translation>Cannot open the database: {0}

{1}: {2}</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="540"/>
        <source>无法打开数据库</source>
        <translation>Cannot open the database</translation>
    </message>
</context>
<context>
    <name>AuditPage</name>
    <message>
        <location filename="../../ui/audit_page.py" line="84"/>
        <source>审计日志</source>
        <translation>Audit trail</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="86"/>
        <source>校验审计链(&amp;V)</source>
        <translation>&amp;Verify the chain</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="87"/>
        <source>逐条核对整个审计日志的哈希链，找出被修改、删除、调换或截断的记录</source>
        <translation>Check the whole audit trail&apos;s hash chain, record by record, for edited, deleted, swapped or truncated records</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="95"/>
        <source>审计日志只能追加，数据库拒绝修改和删除；每条记录与上一条以哈希相连，日结和导出清单记下链头。登录、锁定、账户变更、受理、查看完整号码、打印、导出、日结、推送、备份和配置变更都记录在此。</source>
        <translation>The audit trail can only grow: the database refuses changes and deletions; each record is chained to the one before by its hash, and day closes and export manifests record the chain head. Sign-ins, locks, account changes, intake, full views of numbers, prints, exports, day closes, pushes, backups and configuration changes are all recorded here.</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="115"/>
        <source>用户名（可不填）</source>
        <translation>user name (optional)</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="120"/>
        <source>全部操作</source>
        <translation>All actions</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="125"/>
        <source>查询(&amp;Q)</source>
        <translation>&amp;Query</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="130"/>
        <source>从</source>
        <translation>From</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="131"/>
        <source>至</source>
        <translation>to</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="132"/>
        <location filename="../../ui/audit_page.py" line="147"/>
        <source>用户</source>
        <translation>User</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="133"/>
        <location filename="../../ui/audit_page.py" line="149"/>
        <source>操作</source>
        <translation>Action</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="146"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="148"/>
        <source>工作站</source>
        <translation>Workstation</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="150"/>
        <source>对象</source>
        <translation>Object</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="151"/>
        <source>结果</source>
        <translation>Result</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="152"/>
        <source>详情</source>
        <translation>Detail</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="218"/>
        <source>只显示最新的 {0} 条记录，请缩小日期范围或按用户、操作筛选</source>
        <translation>Only the newest {0} records are shown: narrow the days, or choose a user or an action</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="220"/>
        <source>共 {0} 条，最新的在前</source>
        <translation>{0} record(s), newest first</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="233"/>
        <source>无法读取审计日志：{0}</source>
        <translation>Cannot read the audit trail: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="238"/>
        <source>成功</source>
        <translation>ok</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="238"/>
        <source>被拒绝</source>
        <translation>refused</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="238"/>
        <source>失败</source>
        <translation>failed</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="259"/>
        <source>序号 {0}</source>
        <translation>seq {0}</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="280"/>
        <source>正在校验整个审计日志…</source>
        <translation>Checking the whole audit trail…</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="297"/>
        <source>另有 {0} 处问题未列出（命令行 reception audit verify 列出全部）</source>
        <translation>{0} more problem(s) not listed (reception audit verify lists them all)</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="306"/>
        <source>无法校验审计日志：{0}</source>
        <translation>Cannot verify the audit trail: {0}</translation>
    </message>
</context>
<context>
    <name>CaseDetailDialog</name>
    <message>
        <location filename="../../ui/cases/detail.py" line="165"/>
        <source>是</source>
        <translation>Yes</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="165"/>
        <source>否</source>
        <translation>No</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="201"/>
        <source>受理信息</source>
        <translation>Intake details</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="202"/>
        <source>案件编号</source>
        <translation>Case number</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="203"/>
        <location filename="../../ui/cases/detail.py" line="732"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="208"/>
        <source>工作站</source>
        <translation>Workstation</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="209"/>
        <source>登记时间</source>
        <translation>Registered at</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="253"/>
        <source>事项</source>
        <translation>Matter</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="306"/>
        <source>原件</source>
        <translation>original</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="306"/>
        <source>复印件</source>
        <translation>copy</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="309"/>
        <source>{n} 页</source>
        <translation>pages: {n}</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="311"/>
        <source>{n} 份</source>
        <translation>copies: {n}</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="313"/>
        <source>已退还</source>
        <translation>returned</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="316"/>
        <location filename="../../ui/cases/detail.py" line="350"/>
        <source>{0}（{1}）</source>
        <translation>{0} ({1})</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="340"/>
        <source>分流</source>
        <translation>Routing</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="343"/>
        <source>承办站点</source>
        <translation>Handling office</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="345"/>
        <source>协办部门</source>
        <translation>Assisting departments</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="354"/>
        <source>分流规则</source>
        <translation>Routing rule</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="355"/>
        <source>依据</source>
        <translation>Basis</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="357"/>
        <source>改派理由</source>
        <translation>Reason for reassignment</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="360"/>
        <source>规则建议</source>
        <translation>Suggested by the rules</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="366"/>
        <source>法定期限</source>
        <translation>Statutory deadlines</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="369"/>
        <source>{start} 起，{due} 届满</source>
        <translation>from {start}, due {due}</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="372"/>
        <source>（{0}）</source>
        <translation> ({0})</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="374"/>
        <source>；节假日顺延，原 {date}</source>
        <translation>; moved past holidays, originally {date}</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="376"/>
        <source>；节假日安排未载入，仅按周末推算</source>
        <translation>; holidays not loaded, counted on weekends only</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="392"/>
        <source>办结</source>
        <translation>Closure</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="393"/>
        <source>办结时间</source>
        <translation>Closed at</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="649"/>
        <source>案件 {case_no}</source>
        <translation>Case {case_no}</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="670"/>
        <source>可选中复制</source>
        <translation>Select to copy</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="672"/>
        <source>复制编号(&amp;C)</source>
        <translation>&amp;Copy number</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="704"/>
        <location filename="../../ui/cases/detail.py" line="1220"/>
        <source>证件号码和电话号码已部分隐藏。</source>
        <translation>ID and phone numbers are partly hidden.</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="706"/>
        <source>显示完整号码(&amp;F)…</source>
        <translation>Show &amp;full numbers…</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="707"/>
        <source>写明事由后显示完整的证件号码和电话号码；每次查看都记入审计日志</source>
        <translation>Show the full ID and phone numbers after giving a reason; every view is recorded in the audit log</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="713"/>
        <source>案件信息</source>
        <translation>Case details</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="716"/>
        <location filename="../../ui/cases/detail.py" line="782"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="716"/>
        <source>事件</source>
        <translation>Event</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="716"/>
        <source>操作人</source>
        <translation>By</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="716"/>
        <source>内容</source>
        <translation>Details</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="726"/>
        <source>时间线</source>
        <translation>Timeline</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="730"/>
        <location filename="../../ui/cases/detail.py" line="783"/>
        <source>部门</source>
        <translation>Department</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="731"/>
        <location filename="../../ui/cases/detail.py" line="784"/>
        <source>角色</source>
        <translation>Role</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="733"/>
        <source>部门案号</source>
        <translation>Dept. case no.</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="734"/>
        <source>办理结果 / 退回理由</source>
        <translation>Result / reason for return</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="735"/>
        <source>更新时间</source>
        <translation>Updated</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="758"/>
        <source>重新推送(&amp;U)</source>
        <translation>Retry p&amp;ush</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="759"/>
        <source>把选中的推送失败的转办重新放回推送队列（原转办编号）</source>
        <translation>Put the selected failed transfer back in the push queue (same transfer ID)</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="761"/>
        <source>改派(&amp;G)…</source>
        <translation>Re-r&amp;oute…</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="763"/>
        <source>选中的推送失败或被部门退回的转办改由另一个部门办理，须写明理由</source>
        <translation>Send the selected failed or returned transfer to another department instead (a reason is required)</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="770"/>
        <source>转办</source>
        <translation>Transfers</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="785"/>
        <source>结果</source>
        <translation>Outcome</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="786"/>
        <source>HTTP 状态</source>
        <translation>HTTP status</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="787"/>
        <source>用时</source>
        <translation>Duration</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="788"/>
        <source>错误</source>
        <translation>Error</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="801"/>
        <source>推送记录</source>
        <translation>Push attempts</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="805"/>
        <source>重打回执(&amp;P)</source>
        <translation>Re&amp;print receipt</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="806"/>
        <source>预览并补打受理回执（Ctrl+P）</source>
        <translation>Preview and reprint the intake receipt (Ctrl+P)</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="809"/>
        <source>添加备注(&amp;N)</source>
        <translation>Add &amp;note</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="811"/>
        <source>录入部门答复(&amp;A)</source>
        <translation>Record department &amp;answer</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="813"/>
        <source>办结(&amp;E)</source>
        <translation>Clos&amp;e case</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="815"/>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="816"/>
        <source>重新读取案件（F5）</source>
        <translation>Reload the case (F5)</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="819"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="820"/>
        <source>关闭（Esc）</source>
        <translation>Close (Esc)</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="859"/>
        <source>正在读取……</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="898"/>
        <source>读取案件失败：{error}</source>
        <translation>Could not load the case: {error}</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="933"/>
        <source>{window_label}：{window}&#x3000;{received_label}：{received}</source>
        <translation>{window_label}: {window}    {received_label}: {received}</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="942"/>
        <source>风险：{level}</source>
        <translation>Risk: {level}</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="947"/>
        <source>风险：未评估</source>
        <translation>Risk: not assessed</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="952"/>
        <source>已于 {date} 办结：{outcome}，回访{satisfaction}</source>
        <translation>Closed on {date}: {outcome}; follow-up: {satisfaction}</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="962"/>
        <source>无未到期的法定期限</source>
        <translation>No pending statutory deadline</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="968"/>
        <source>下一期限：{label} {due}（已逾期 {n} 天）</source>
        <translation>Next deadline: {label} {due} ({n} day(s) overdue)</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="974"/>
        <source>下一期限：{label} {due}（今天到期）</source>
        <translation>Next deadline: {label} {due} (due today)</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="977"/>
        <source>下一期限：{label} {due}（还有 {n} 天）</source>
        <translation>Next deadline: {label} {due} ({n} day(s) left)</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="1021"/>
        <source>推送失败：{0}</source>
        <translation>Push failed: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="1038"/>
        <source>推送失败：可重新推送或改派</source>
        <translation>Push failed: retry it or re-route it</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="1096"/>
        <source>重新推送</source>
        <translation>Retry push</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="1097"/>
        <source>改派…</source>
        <translation>Re-route…</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="1108"/>
        <source>共 {0} 次推送，其中 {1} 次未送达（最新的在最上面）</source>
        <translation>{0} push attempt(s), {1} not delivered (newest first)</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="1111"/>
        <source>尚无推送记录：转办等待推送，或部门未配置推送方式（凭转办单转办）。</source>
        <translation>No push attempts yet: the transfers are waiting to be pushed, or their departments have no transport (they get the printed transfer slip).</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="1120"/>
        <source>{0} 毫秒</source>
        <translation>{0} ms</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="1127"/>
        <source>转办编号：{0}</source>
        <translation>Transfer ID: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="1218"/>
        <source>正在显示完整号码（本次查看已记入审计日志）。</source>
        <translation>Showing the full numbers (this view is recorded in the audit log).</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="1223"/>
        <source>您的角色不能查看完整号码</source>
        <translation>Your role may not see the full numbers</translation>
    </message>
</context>
<context>
    <name>CaseTableModel</name>
    <message>
        <location filename="../../ui/cases/model.py" line="161"/>
        <source>逾期</source>
        <extracomment>pages kept in memory (x 200 rows) rows from a page&apos;s edge at which the neighbouring page is asked for ahead at most this many pages asked for at once (the most recent wins)</extracomment>
        <translation>overdue</translation>
    </message>
    <message>
        <location filename="../../ui/cases/model.py" line="406"/>
        <source>按{0}排序</source>
        <translation>Sort by {0}</translation>
    </message>
    <message>
        <location filename="../../ui/cases/model.py" line="459"/>
        <source>办理期限 {0} 已过，案件尚未办结</source>
        <translation>Deadline {0} has passed and the case is not closed</translation>
    </message>
    <message>
        <location filename="../../ui/cases/model.py" line="461"/>
        <source>{0}：按回车键或双击打开</source>
        <translation>{0}: press Enter or double-click to open</translation>
    </message>
</context>
<context>
    <name>CasesPage</name>
    <message>
        <location filename="../../ui/cases/page.py" line="77"/>
        <source>案件查询</source>
        <extracomment>the date presets: key -&gt; days back from today (None: no date limit; &quot;custom&quot;: the two date fields) how long a filter change waits for the next one before the list is asked again default widths of the columns: a typical value of each, measured in the table&apos;s font after a refresh: the case that was current and its row (the same row if the case is not loaded)</extracomment>
        <translation>Cases</translation>
    </message>
    <message>
        <location filename="../../ui/cases/page.py" line="83"/>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <location filename="../../ui/cases/page.py" line="84"/>
        <source>重新查询（F5）</source>
        <translation>Search again (F5)</translation>
    </message>
    <message>
        <location filename="../../ui/cases/page.py" line="101"/>
        <source>今天</source>
        <translation>Today</translation>
    </message>
    <message>
        <location filename="../../ui/cases/page.py" line="102"/>
        <source>近7天</source>
        <translation>Last 7 days</translation>
    </message>
    <message>
        <location filename="../../ui/cases/page.py" line="103"/>
        <source>近30天</source>
        <translation>Last 30 days</translation>
    </message>
    <message>
        <location filename="../../ui/cases/page.py" line="104"/>
        <source>近90天</source>
        <translation>Last 90 days</translation>
    </message>
    <message>
        <location filename="../../ui/cases/page.py" line="105"/>
        <source>今年</source>
        <translation>This year</translation>
    </message>
    <message>
        <location filename="../../ui/cases/page.py" line="106"/>
        <source>全部</source>
        <translation>All</translation>
    </message>
    <message>
        <location filename="../../ui/cases/page.py" line="107"/>
        <source>自定义</source>
        <translation>Custom</translation>
    </message>
    <message>
        <location filename="../../ui/cases/page.py" line="119"/>
        <source>全部窗口</source>
        <translation>All windows</translation>
    </message>
    <message>
        <location filename="../../ui/cases/page.py" line="121"/>
        <source>全部状态</source>
        <translation>All statuses</translation>
    </message>
    <message>
        <location filename="../../ui/cases/page.py" line="124"/>
        <source>全部部门</source>
        <translation>All departments</translation>
    </message>
    <message>
        <location filename="../../ui/cases/page.py" line="126"/>
        <source>全部风险</source>
        <translation>All risk levels</translation>
    </message>
    <message>
        <location filename="../../ui/cases/page.py" line="127"/>
        <source>仅看逾期</source>
        <translation>Overdue only</translation>
    </message>
    <message>
        <location filename="../../ui/cases/page.py" line="129"/>
        <source>有已过期的办理期限、且尚未办结的案件</source>
        <translation>Cases past a deadline and not yet closed</translation>
    </message>
    <message>
        <location filename="../../ui/cases/page.py" line="130"/>
        <source>重置</source>
        <translation>Reset</translation>
    </message>
    <message>
        <location filename="../../ui/cases/page.py" line="131"/>
        <source>清除全部筛选条件和查询内容</source>
        <translation>Clear all filters and the search text</translation>
    </message>
    <message>
        <location filename="../../ui/cases/page.py" line="135"/>
        <source>受理日期</source>
        <translation>Received</translation>
    </message>
    <message>
        <location filename="../../ui/cases/page.py" line="140"/>
        <source>至</source>
        <translation>to</translation>
    </message>
    <message>
        <location filename="../../ui/cases/page.py" line="151"/>
        <source>案件编号、姓名、证件号码、电话或事实关键词，回车查询（Ctrl+F）</source>
        <translation>Case number, name, ID number, phone or keywords; Enter to search (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../../ui/cases/page.py" line="157"/>
        <source>查询</source>
        <translation>Search</translation>
    </message>
    <message>
        <location filename="../../ui/cases/page.py" line="386"/>
        <source>正在查询…</source>
        <translation>Searching…</translation>
    </message>
    <message>
        <location filename="../../ui/cases/page.py" line="391"/>
        <source>共 {0} 件</source>
        <translation>{0} case(s)</translation>
    </message>
    <message>
        <location filename="../../ui/cases/page.py" line="392"/>
        <source>没有符合条件的案件</source>
        <translation>No matching cases</translation>
    </message>
    <message>
        <location filename="../../ui/cases/page.py" line="403"/>
        <source>；</source>
        <translation>; </translation>
    </message>
    <message>
        <location filename="../../ui/cases/page.py" line="407"/>
        <source>查询失败</source>
        <translation>Search failed</translation>
    </message>
</context>
<context>
    <name>ChangePasswordDialog</name>
    <message>
        <location filename="../../ui/signin.py" line="332"/>
        <source>修改密码</source>
        <translation>Change password</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="337"/>
        <source>修改密码 — {0}（{1}）</source>
        <translation>Change password — {0} ({1})</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="339"/>
        <source>管理员为您重设了密码。请设置您自己的新密码，之后才能使用受理台。</source>
        <translation>An administrator reset your password. Choose your own new password before using the desk.</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="345"/>
        <source>当前密码(&amp;O)：</source>
        <translation>Current password (&amp;O):</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="348"/>
        <source>新密码(&amp;P)：</source>
        <translation>New &amp;password:</translation>
    </message>
</context>
<context>
    <name>CloseDialog</name>
    <message>
        <location filename="../../ui/cases/detail.py" line="547"/>
        <source>办结案件</source>
        <translation>Close case</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="552"/>
        <location filename="../../ui/cases/detail.py" line="558"/>
        <source>请选择</source>
        <translation>Choose…</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="554"/>
        <source>办结结果(&amp;O)：</source>
        <translation>&amp;Outcome:</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="560"/>
        <source>回访满意度(&amp;S)：</source>
        <translation>&amp;Satisfaction:</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="564"/>
        <source>备注(&amp;T)：</source>
        <translation>No&amp;te:</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="565"/>
        <source>办结</source>
        <translation>Close case</translation>
    </message>
</context>
<context>
    <name>DayClosePage</name>
    <message>
        <location filename="../../ui/dayclose.py" line="99"/>
        <location filename="../../ui/dayclose.py" line="189"/>
        <location filename="../../ui/dayclose.py" line="546"/>
        <location filename="../../ui/dayclose.py" line="555"/>
        <source>日结</source>
        <translation>Day close</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="111"/>
        <source>日期(&amp;D)</source>
        <translation>&amp;Date</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="113"/>
        <source>今天</source>
        <translation>Today</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="131"/>
        <source>受理案件</source>
        <translation>Cases</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="132"/>
        <source>来访人次</source>
        <translation>Visitors</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="133"/>
        <location filename="../../ui/dayclose.py" line="401"/>
        <source>当场化解/答复</source>
        <translation>Resolved on the spot</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="134"/>
        <location filename="../../ui/dayclose.py" line="401"/>
        <source>分流转办</source>
        <translation>Routed</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="135"/>
        <source>集体访</source>
        <translation>Group visits</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="136"/>
        <source>重复访</source>
        <translation>Repeat visits</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="137"/>
        <source>红色预警</source>
        <translation>Red alerts</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="138"/>
        <source>橙色预警</source>
        <translation>Orange alerts</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="139"/>
        <source>已超期</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="140"/>
        <source>3 日内到期</source>
        <translation>Due within 3 days</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="161"/>
        <source>分类</source>
        <translation>Breakdown</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="161"/>
        <source>件数</source>
        <translation>Cases</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="172"/>
        <source>导出到(&amp;F)</source>
        <translation>Export &amp;folder</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="174"/>
        <source>选择…</source>
        <translation>Choose…</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="176"/>
        <source>打开文件夹</source>
        <translation>Open folder</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="185"/>
        <source>导出台账</source>
        <translation>Export register</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="187"/>
        <source>导出当天的登记簿（XLSX、CSV）、汇总（PDF）和清单</source>
        <translation>Export the day&apos;s register (XLSX, CSV), summary (PDF) and manifest</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="190"/>
        <source>固定保存当天的登记簿和汇总数字；日结后再导出，结果完全相同</source>
        <translation>Store the day&apos;s register and figures for good; exports after closing are identical</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="196"/>
        <location filename="../../ui/dayclose.py" line="556"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="304"/>
        <source>正在读取…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="320"/>
        <source>无法读取当天数据</source>
        <translation>Cannot read the day&apos;s data</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="334"/>
        <source>已日结：{0}，日结人 {1}。数字为日结时保存的结果。</source>
        <translation>Closed: {0} by {1}. The figures are those stored at closing.</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="337"/>
        <source>未日结：数字为当前状态。</source>
        <translation>Not closed: the figures are as the cases stand now.</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="360"/>
        <source>{0} 至 {1}</source>
        <translation>{0} to {1}</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="362"/>
        <source>案件编号：{0}</source>
        <translation>Case numbers: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="364"/>
        <source>当天没有受理案件。</source>
        <translation>No cases were received that day.</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="370"/>
        <source>按受理窗口</source>
        <translation>By window</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="371"/>
        <source>按来源渠道</source>
        <translation>By channel</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="372"/>
        <source>按事项类别</source>
        <translation>By category</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="373"/>
        <source>按问题属地（镇/街道）</source>
        <translation>By place (town/street)</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="374"/>
        <source>按风险等级</source>
        <translation>By risk level</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="375"/>
        <source>按承办部门</source>
        <translation>By department</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="376"/>
        <source>按处置方式</source>
        <translation>By disposal</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="387"/>
        <source>未分类</source>
        <translation>Uncategorised</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="388"/>
        <source>未填写属地</source>
        <translation>No place given</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="389"/>
        <source>未评定</source>
        <translation>Not assessed</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="390"/>
        <source>不转办（当场化解/答复）</source>
        <translation>Not transferred (resolved on the spot)</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="391"/>
        <location filename="../../ui/dayclose.py" line="401"/>
        <source>其他</source>
        <translation>Other</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="393"/>
        <source>未知</source>
        <translation>Unknown</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="435"/>
        <source>选择导出文件夹</source>
        <translation>Choose the export folder</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="445"/>
        <source>无法创建文件夹 {0}：{1}</source>
        <translation>Cannot create the folder {0}: {1}</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="448"/>
        <source>无法打开文件夹：{0}</source>
        <translation>Cannot open the folder: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="456"/>
        <source>请先选择导出文件夹。</source>
        <translation>Choose an export folder first.</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="467"/>
        <source>正在导出 {0} …</source>
        <translation>Exporting {0}…</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="505"/>
        <source>已导出 {0} 件到 {1}：{2}</source>
        <translation>Exported {0} case(s) to {1}: {2}</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="507"/>
        <source>（证件号码、电话、住址已脱敏）</source>
        <translation> (ID numbers, phones and addresses masked)</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="517"/>
        <source>导出失败：{0}</source>
        <translation>Export failed: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="527"/>
        <source>正在取消导出…</source>
        <translation>Cancelling the export…</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="536"/>
        <source>导出已取消，未留下任何文件。</source>
        <translation>Export cancelled; no files were left.</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="547"/>
        <source>确定对 {0} 日结吗？

日结会固定保存当天的登记簿和汇总数字，之后不能再次日结。</source>
        <translation>Close {0}?

Closing stores the day&apos;s register and figures for good; a day can be closed only once.</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="570"/>
        <source>正在日结 {0} …</source>
        <translation>Closing {0}…</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="587"/>
        <source>{0} 已日结：{1} 件。</source>
        <translation>{0} closed: {1} case(s).</translation>
    </message>
    <message>
        <location filename="../../ui/dayclose.py" line="599"/>
        <source>日结失败：{0}</source>
        <translation>Closing failed: {0}</translation>
    </message>
</context>
<context>
    <name>DeadLetterActions</name>
    <message>
        <location filename="../../ui/reroute.py" line="181"/>
        <location filename="../../ui/reroute.py" line="190"/>
        <source>重新推送</source>
        <translation>Retry push</translation>
    </message>
    <message>
        <location filename="../../ui/reroute.py" line="183"/>
        <source>把案件 {case_no} 转给{department}的转办重新放回推送队列？</source>
        <translation>Put the transfer of case {case_no} to {department} back in the push queue?</translation>
    </message>
    <message>
        <location filename="../../ui/reroute.py" line="188"/>
        <source>将使用原转办编号重新推送，部门不会收到重复的转办。如部门拒收的原因未解决，请改派。</source>
        <translation>It is pushed again with the same transfer ID, so the department never gets it twice. If what the department refused is not fixed, re-route it instead.</translation>
    </message>
    <message>
        <location filename="../../ui/reroute.py" line="191"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/reroute.py" line="211"/>
        <source>已重新排队：案件 {case_no} → {department}</source>
        <translation>Queued again: case {case_no} → {department}</translation>
    </message>
    <message>
        <location filename="../../ui/reroute.py" line="224"/>
        <source>出现意外错误，未重新推送：{error}</source>
        <translation>Unexpected error, not queued again: {error}</translation>
    </message>
    <message>
        <location filename="../../ui/reroute.py" line="244"/>
        <source>已改派：案件 {case_no} 改由{department}办理</source>
        <translation>Re-routed: case {case_no} now goes to {department}</translation>
    </message>
</context>
<context>
    <name>ErrorDialog</name>
    <message>
        <location filename="../../ui/errors.py" line="58"/>
        <source>提示</source>
        <extracomment>at most this many error dialogs are open at once (a fault in a timer must not bury the window)</extracomment>
        <translation>Notice</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="58"/>
        <source>出错了</source>
        <translation>Error</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="78"/>
        <source>详细信息</source>
        <translation>Details</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="92"/>
        <location filename="../../ui/errors.py" line="128"/>
        <source>日志文件：{0}</source>
        <translation>Log file: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="99"/>
        <source>复制</source>
        <translation>Copy</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="100"/>
        <source>把错误信息复制到剪贴板，便于转给技术人员</source>
        <translation>Copy the error report to the clipboard to pass on to IT support</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="138"/>
        <source>已复制</source>
        <translation>Copied</translation>
    </message>
</context>
<context>
    <name>ErrorReporter</name>
    <message>
        <location filename="../../ui/errors.py" line="145"/>
        <source>程序出现了意外错误，刚才的操作可能没有完成。已保存的数据不受影响。

{0}：{1}</source>
        <translation>An unexpected error occurred; the last action may not have completed. Data already saved is not affected.

{0}: {1}</translation>
    </message>
</context>
<context>
    <name>FieldDialog</name>
    <message>
        <location filename="../../ui/field_dialog.py" line="45"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/field_dialog.py" line="58"/>
        <source>{0}（Ctrl+Enter）</source>
        <translation>{0} (Ctrl+Enter)</translation>
    </message>
</context>
<context>
    <name>FirstStartDialog</name>
    <message>
        <location filename="../../ui/signin.py" line="208"/>
        <source>创建并登录</source>
        <translation>Create and sign in</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="211"/>
        <source>首次启动 — 创建管理员账户</source>
        <translation>First start — create the administrator account</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="213"/>
        <source>这是本受理台第一次启动，还没有任何用户账户。请创建管理员账户：管理员登录后为窗口受理员等工作人员创建账户。请牢记密码，它不会显示在任何地方，也无法找回。</source>
        <translation>This is the desk&apos;s first start: there are no accounts yet. Create the administrator&apos;s account; once signed in, the administrator creates the accounts of the intake clerks and other staff. Remember the password: it is never shown anywhere and cannot be recovered.</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="219"/>
        <source>例如 admin 或工号</source>
        <translation>for example admin, or a staff number</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="220"/>
        <source>用户名(&amp;U)：</source>
        <translation>&amp;User name:</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="223"/>
        <source>姓名(&amp;N)：</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="226"/>
        <source>密码(&amp;P)：</source>
        <translation>&amp;Password:</translation>
    </message>
</context>
<context>
    <name>IdleLock</name>
    <message>
        <location filename="../../ui/idle_lock.py" line="401"/>
        <source>出现意外错误：{0}</source>
        <extracomment>切换用户 was confirmed on the lock screen: the window signs out (the lock is already released)</extracomment>
        <translation>An unexpected error occurred: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/idle_lock.py" line="411"/>
        <location filename="../../ui/idle_lock.py" line="416"/>
        <source>切换用户</source>
        <translation>Switch user</translation>
    </message>
    <message>
        <location filename="../../ui/idle_lock.py" line="412"/>
        <source>受理登记表单中有尚未保存的内容。</source>
        <translation>The intake form holds input that is not saved yet.</translation>
    </message>
    <message>
        <location filename="../../ui/idle_lock.py" line="414"/>
        <source>切换用户后，这些内容保存为草稿，下次在本工作站登录时可以恢复。确定切换用户吗？</source>
        <translation>After switching, it is kept as a draft and offered back at the next sign-in on this workstation. Switch user?</translation>
    </message>
    <message>
        <location filename="../../ui/idle_lock.py" line="417"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>IntakeForm</name>
    <message>
        <location filename="../../ui/intake/fields.py" line="280"/>
        <source>年-月-日，如 2025-03-03</source>
        <extracomment>Stylesheet of the page: calm grey frames; a red or amber frame when a field has a message.</extracomment>
        <translation>YYYY-MM-DD, e.g. 2025-03-03</translation>
    </message>
    <message>
        <location filename="../../ui/intake/fields.py" line="314"/>
        <source>请输入整数</source>
        <translation>Enter a whole number</translation>
    </message>
    <message>
        <location filename="../../ui/intake/fields.py" line="314"/>
        <source>请输入数字</source>
        <translation>Enter a number</translation>
    </message>
    <message>
        <location filename="../../ui/intake/form.py" line="193"/>
        <source>受理登记</source>
        <extracomment>key order of the case document (case-format.md §5.0) problems that mean &quot;not filled in yet&quot;: shown only once the clerk has been through the field</extracomment>
        <translation>Intake</translation>
    </message>
    <message>
        <location filename="../../ui/intake/form.py" line="205"/>
        <source>请先选择受理窗口（Alt+1 … Alt+6），表单将按窗口显示必填项。</source>
        <translation>Choose the window first (Alt+1 … Alt+6); the form then shows the fields that window requires.</translation>
    </message>
    <message>
        <location filename="../../ui/intake/form.py" line="279"/>
        <source>清空 (Esc)</source>
        <translation>Clear (Esc)</translation>
    </message>
    <message>
        <location filename="../../ui/intake/form.py" line="280"/>
        <source>打印回执 (Ctrl+P)</source>
        <translation>Print receipt (Ctrl+P)</translation>
    </message>
    <message>
        <location filename="../../ui/intake/form.py" line="281"/>
        <source>保存 (Ctrl+S)</source>
        <translation>Save (Ctrl+S)</translation>
    </message>
    <message>
        <location filename="../../ui/intake/form.py" line="610"/>
        <source>改派信息有误，尚未生效；以上为按规则的建议。</source>
        <translation>The reassignment is incomplete and not applied; shown above is the rules&apos; suggestion.</translation>
    </message>
    <message>
        <location filename="../../ui/intake/form.py" line="665"/>
        <source>请先选择受理窗口。</source>
        <translation>Choose the window first.</translation>
    </message>
    <message>
        <location filename="../../ui/intake/form.py" line="675"/>
        <location filename="../../ui/intake/form.py" line="735"/>
        <source>未保存：有 {n} 处需要补充或更正（已标红）。</source>
        <translation>Not saved: {n} field(s) need completing or correcting (marked in red).</translation>
    </message>
    <message>
        <location filename="../../ui/intake/form.py" line="704"/>
        <source>正在保存…</source>
        <translation>Saving…</translation>
    </message>
    <message>
        <location filename="../../ui/intake/form.py" line="720"/>
        <source>案件 {no} 已保存。</source>
        <translation>Case {no} saved.</translation>
    </message>
    <message>
        <location filename="../../ui/intake/form.py" line="742"/>
        <source>保存失败，表单内容未丢失：{error}</source>
        <translation>Saving failed; the form is kept: {error}</translation>
    </message>
    <message>
        <location filename="../../ui/intake/form.py" line="772"/>
        <source>还没有保存案件，没有可打印的回执。</source>
        <translation>No case has been saved yet, so there is no receipt to print.</translation>
    </message>
    <message>
        <location filename="../../ui/intake/form.py" line="796"/>
        <source>清空表单</source>
        <translation>Clear form</translation>
    </message>
    <message>
        <location filename="../../ui/intake/form.py" line="797"/>
        <source>清空当前登记表？尚未保存的内容将丢失。</source>
        <translation>Clear the current form? Anything not saved will be lost.</translation>
    </message>
    <message>
        <location filename="../../ui/intake/form.py" line="800"/>
        <source>清空</source>
        <translation>Clear</translation>
    </message>
    <message>
        <location filename="../../ui/intake/form.py" line="801"/>
        <source>不清空</source>
        <translation>Keep</translation>
    </message>
    <message>
        <location filename="../../ui/intake/form.py" line="813"/>
        <source>表单已清空。</source>
        <translation>Form cleared.</translation>
    </message>
    <message>
        <location filename="../../ui/intake/form.py" line="857"/>
        <source>草稿无法保存到磁盘，请尽快保存案件。</source>
        <translation>The draft cannot be written to disk; save the case soon.</translation>
    </message>
    <message>
        <location filename="../../ui/intake/form.py" line="902"/>
        <location filename="../../ui/intake/panels.py" line="457"/>
        <source>恢复草稿</source>
        <translation>Restore draft</translation>
    </message>
    <message>
        <location filename="../../ui/intake/form.py" line="903"/>
        <source>用草稿替换当前表单中的内容？当前内容仍保留为另一份草稿。</source>
        <translation>Replace the current form with the draft? The current entries are kept as another draft.</translation>
    </message>
    <message>
        <location filename="../../ui/intake/form.py" line="921"/>
        <source>已恢复未保存的草稿，请核对后保存。</source>
        <translation>Unsaved draft restored; check it, then save.</translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="71"/>
        <source>受理窗口</source>
        <translation>Window</translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="126"/>
        <source>来访记录</source>
        <translation>Visit history</translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="127"/>
        <location filename="../../ui/intake/panels.py" line="160"/>
        <source>输入申请人证件号码或联系电话后自动查询。</source>
        <translation>Looked up automatically once the applicant&apos;s ID number or phone is entered.</translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="138"/>
        <source>填写值班领导批准理由</source>
        <translation>Enter the duty leader&apos;s approval</translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="166"/>
        <source>正在查询来访记录…</source>
        <translation>Looking up visit history…</translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="169"/>
        <source>来访记录查询失败，请稍后重试。</source>
        <translation>Visit history lookup failed; try again later.</translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="176"/>
        <source>首次来访：没有找到此人以前的案件。</source>
        <translation>First visit: no earlier cases found for this person.</translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="183"/>
        <source>此人以前来过 {count} 次，最近一次 {last}。点击案件查看详情。</source>
        <translation>This person has come {count} time(s) before, last on {last}. Click a case for details.</translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="196"/>
        <source>打开案件 {no}</source>
        <translation>Open case {no}</translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="201"/>
        <source>⚠ 不再受理：此人反映的事项已经复核终结（{cases}）。同一事实和理由不再受理；如确需受理，须经值班领导批准，并填写“值班领导批准理由”。</source>
        <translation>⚠ Not to be accepted again: this person&apos;s matter was closed after second review ({cases}). The same facts and reasons are not accepted again; if intake is truly necessary, the duty leader must approve it and “Duty leader&apos;s approval” must be filled in.</translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="205"/>
        <location filename="../../ui/intake/panels.py" line="388"/>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="245"/>
        <source>分流建议</source>
        <translation>Routing suggestion</translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="246"/>
        <location filename="../../ui/intake/panels.py" line="337"/>
        <source>填写事项类别等信息后显示建议的承办部门和办理期限。</source>
        <translation>Fill in the category and other details to see the suggested department and deadlines.</translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="261"/>
        <source>不按建议分流，改派</source>
        <translation>Reassign instead</translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="265"/>
        <location filename="../../ui/intake/pickers.py" line="132"/>
        <location filename="../../ui/intake/pickers.py" line="214"/>
        <source>（请选择）</source>
        <extracomment>Education levels as printed on the legal-aid application form (free text, suggestions only).</extracomment>
        <translation>(choose)</translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="271"/>
        <source>改派理由，至少 4 个字</source>
        <translation>At least 4 characters</translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="340"/>
        <source>表单尚有 {n} 处需补充或更正，补全后更新分流建议。</source>
        <translation>{n} field(s) still need completing or correcting; the suggestion updates once they are done.</translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="352"/>
        <source>没有分流规则适用。</source>
        <translation>No routing rule applies.</translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="354"/>
        <source>：</source>
        <translation>: </translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="358"/>
        <source>（原为 {date}，遇节假日顺延）</source>
        <translation> (was {date}, moved past holidays)</translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="360"/>
        <source>（该年节假日未载入，仅按周末计算）</source>
        <translation> (holidays for that year not loaded; weekends only)</translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="362"/>
        <source>办理期限</source>
        <translation>Deadlines</translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="366"/>
        <source>本事项没有法定期限。</source>
        <translation>This matter has no statutory deadline.</translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="376"/>
        <source>已改派</source>
        <translation>Reassigned</translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="378"/>
        <source>承办部门：</source>
        <translation>Department: </translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="381"/>
        <location filename="../../ui/intake/panels.py" line="383"/>
        <source>{0}（{1}）</source>
        <translation>{0} ({1})</translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="382"/>
        <source>层级：</source>
        <translation>Level: </translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="384"/>
        <source>规则：</source>
        <translation>Rule: </translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="386"/>
        <source>依据：</source>
        <translation>Basis: </translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="389"/>
        <source>协办：</source>
        <translation>Assisting: </translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="392"/>
        <source>原建议：{dept}（规则 {rule}）</source>
        <translation>Originally suggested: {dept} (rule {rule})</translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="413"/>
        <source>已保存，案件编号：</source>
        <translation>Saved. Case number:</translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="418"/>
        <source>复制编号</source>
        <translation>Copy number</translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="428"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="435"/>
        <source>；</source>
        <translation>; </translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="461"/>
        <source>丢弃草稿</source>
        <translation>Discard draft</translation>
    </message>
    <message>
        <location filename="../../ui/intake/panels.py" line="469"/>
        <source>发现一份未保存的登记草稿（{when}，{who}）。是否恢复？</source>
        <translation>An unsaved intake draft was found ({when}, {who}). Restore it?</translation>
    </message>
    <message>
        <location filename="../../ui/intake/pickers.py" line="137"/>
        <location filename="../../ui/intake/pickers.py" line="139"/>
        <source>（不限）</source>
        <translation>(any)</translation>
    </message>
    <message>
        <location filename="../../ui/intake/pickers.py" line="217"/>
        <source>（不细分）</source>
        <translation>(no sub-category)</translation>
    </message>
    <message>
        <location filename="../../ui/intake/repeat.py" line="44"/>
        <source>删除</source>
        <translation>Remove</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="174"/>
        <source>一、受理信息</source>
        <translation>1. Intake details</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="215"/>
        <source>二、申请人</source>
        <translation>2. Applicants</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="223"/>
        <source>申请人 {n}</source>
        <translation>Applicant {n}</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="224"/>
        <source>添加申请人</source>
        <translation>Add applicant</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="264"/>
        <source>三、代理人</source>
        <translation>3. Agent</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="266"/>
        <source>有代理人或代表人</source>
        <translation>Has an agent or representative</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="278"/>
        <source>已收到授权委托书</source>
        <translation>Power of attorney received</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="334"/>
        <source>四、集体访</source>
        <translation>4. Group visit</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="338"/>
        <source>集体访（多人同来反映同一事项）</source>
        <translation>Group visit (several people raising the same matter)</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="341"/>
        <source>{threshold} 人及以上的集体访须推选 1 至 {limit} 名代表（信访工作条例第二十条）</source>
        <translation>Group visits of {threshold} or more people must choose 1 to {limit} representatives (Regulations on Petition Work, Art. 20)</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="353"/>
        <source>代表 {n}</source>
        <translation>Representative {n}</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="354"/>
        <source>添加代表</source>
        <translation>Add representative</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="357"/>
        <source>已达上限 {limit} 名</source>
        <translation>Limit of {limit} reached</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="366"/>
        <source>参与人员 {n}</source>
        <translation>Participant {n}</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="367"/>
        <source>添加参与人员</source>
        <translation>Add participant</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="437"/>
        <source>五、被申请人/对方当事人</source>
        <translation>5. Respondents / counter-parties</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="443"/>
        <source>对方当事人 {n}</source>
        <translation>Counter-party {n}</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="444"/>
        <source>添加对方当事人</source>
        <translation>Add counter-party</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="460"/>
        <source>六、反映事项</source>
        <translation>6. Matter raised</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="475"/>
        <source>每行写一项诉求</source>
        <translation>One request per line</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="477"/>
        <source>元</source>
        <translation>CNY</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="526"/>
        <source>已终结</source>
        <translation>Final</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="578"/>
        <source>七、既往处理情况</source>
        <translation>7. Prior handling</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="584"/>
        <source>处理情况 {n}</source>
        <translation>Prior handling {n}</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="585"/>
        <source>添加既往处理</source>
        <translation>Add prior handling</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="600"/>
        <source>八、法律援助申请事项</source>
        <translation>8. Legal aid application</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="610"/>
        <source>元/月</source>
        <translation>CNY/month</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="643"/>
        <source>材料名称</source>
        <translation>Document name</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="646"/>
        <source>原件</source>
        <translation>Original</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="646"/>
        <source>复印件</source>
        <translation>Copy</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="650"/>
        <source>原件/复印件</source>
        <translation>Original/copy</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="653"/>
        <source>已退还当事人</source>
        <translation>Returned to the party</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="696"/>
        <source>九、收到材料</source>
        <translation>9. Materials received</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="702"/>
        <source>材料 {n}</source>
        <translation>Document {n}</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="703"/>
        <source>添加材料</source>
        <translation>Add document</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="719"/>
        <source>十、风险研判</source>
        <translation>10. Risk assessment</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="750"/>
        <source>十一、处置</source>
        <translation>11. Disposal</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="753"/>
        <source>当场答复/化解，不再转办</source>
        <translation>Answered/resolved on the spot, no transfer</translation>
    </message>
    <message>
        <location filename="../../ui/intake/sections.py" line="760"/>
        <source>已告知个人信息处理规则，当事人同意</source>
        <translation>Told how personal data is handled; the party consents</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <location filename="../../ui/idle_lock.py" line="90"/>
        <location filename="../../ui/idle_lock.py" line="105"/>
        <source>受理台已锁定</source>
        <extracomment>what counts as someone at the desk</extracomment>
        <translation>The desk is locked</translation>
    </message>
    <message>
        <location filename="../../ui/idle_lock.py" line="110"/>
        <source>为保护个人信息，窗口内容已隐藏。请输入密码继续，正在填写的表单原样保留。</source>
        <translation>The windows are hidden to protect personal data. Enter your password to go on; the form being filled is kept as it was.</translation>
    </message>
    <message>
        <location filename="../../ui/idle_lock.py" line="117"/>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../ui/idle_lock.py" line="124"/>
        <source>解锁(&amp;U)</source>
        <translation>&amp;Unlock</translation>
    </message>
    <message>
        <location filename="../../ui/idle_lock.py" line="128"/>
        <source>切换用户(&amp;S)</source>
        <translation>&amp;Switch user</translation>
    </message>
    <message>
        <location filename="../../ui/idle_lock.py" line="162"/>
        <source>当前用户：{0}（{1}，{2}）</source>
        <translation>Signed in: {0} ({1}, {2})</translation>
    </message>
    <message>
        <location filename="../../ui/idle_lock.py" line="187"/>
        <source>请输入密码</source>
        <translation>Enter the password</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="76"/>
        <source>受理登记</source>
        <extracomment>the text of a page the role may not use source text (Chinese), translated in the context &quot;MainWindow&quot; ``&quot;module:Class&quot;`` imported on first use, or a callable ``(desk, parent) -&gt; QWidget`` build at start instead of on the first visit the permission (``reception.security.roles``) the page is for; None: everyone signed in without the permission the page is left out of the window (else shown disabled, with the reason)</extracomment>
        <translation>Intake</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="81"/>
        <source>案件查询</source>
        <translation>Cases</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="82"/>
        <source>推送状态</source>
        <translation>Department queues</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="84"/>
        <source>日结</source>
        <translation>Day close</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="86"/>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="89"/>
        <source>账户管理</source>
        <translation>Accounts</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="96"/>
        <source>审计日志</source>
        <translation>Audit trail</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="142"/>
        <source>一站式受理台 — {0}</source>
        <extracomment>the case dialog: ``&quot;module:Class&quot;`` or a callable ``(desk, case_no, parent) -&gt; QDialog``</extracomment>
        <translation>One-stop reception desk — {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="335"/>
        <source>帮助(&amp;H)</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="337"/>
        <source>关于(&amp;A)…</source>
        <translation>&amp;About…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="365"/>
        <source>锁定</source>
        <translation>Lock</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="366"/>
        <source>锁定受理台，离开时使用（Ctrl+L）</source>
        <translation>Lock the desk when you step away (Ctrl+L)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="373"/>
        <source>数据库：{0}</source>
        <translation>Database: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="375"/>
        <source>待推送：…</source>
        <translation>Waiting to push: …</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="377"/>
        <source>部门队列：…</source>
        <translation>Department queues: …</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="395"/>
        <source>用户：{0}（{1}）</source>
        <translation>User: {0} ({1})</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="397"/>
        <source>用户名：{0}</source>
        <translation>User name: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="422"/>
        <source>待推送：{0}</source>
        <translation>Waiting to push: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="424"/>
        <source>（失败 {0}）</source>
        <translation> ({0} failed)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="427"/>
        <source>{0} 件案件的 {1} 条转办尚未送达部门；{2} 条推送失败，需要人工处理</source>
        <translation>{1} transfer(s) of {0} case(s) not yet delivered; {2} failed and need attention</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="449"/>
        <source>部门队列：未配置推送地址</source>
        <translation>Department queues: no transport configured</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="451"/>
        <source>各部门均未在本厅配置文件中配置推送方式，转办保存在待推送队列中，不会自动送达。</source>
        <translation>No department has a transport in the hall configuration: transfers stay in the outbox and are not delivered automatically.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="456"/>
        <source>部门队列：已配置 {0} 个，均为纸质转办</source>
        <translation>Department queues: {0} configured, all on paper</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="458"/>
        <source>这些部门凭打印的转办单转办，答复须手工录入；不自动推送。</source>
        <translation>These departments get the printed transfer slip and their answers are recorded by hand; nothing is pushed.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="462"/>
        <source>{0}：{1}</source>
        <translation>{0}: {1}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="473"/>
        <source>部门队列：{0} 个部门推送失败 — {1}</source>
        <translation>Department queues: pushing failed for {0} department(s) — {1}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="479"/>
        <source>部门队列：{0} 个部门均已送达 — {1}</source>
        <translation>Department queues: all {0} departments reached — {1}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="484"/>
        <source>部门队列：已配置 {0} 个 — 尚未推送</source>
        <translation>Department queues: {0} configured — not pushed yet</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="487"/>
        <source>部门队列：{0} 个部门尚未推送 — {1}</source>
        <translation>Department queues: {0} department(s) not pushed yet — {1}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="494"/>
        <source>待推送：无法读取</source>
        <translation>Waiting to push: unavailable</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="495"/>
        <source>读取数据库失败：{0}</source>
        <translation>Reading the database failed: {0}</translation>
    </message>
</context>
<context>
    <name>NewAccountDialog</name>
    <message>
        <location filename="../../ui/accounts_page.py" line="98"/>
        <source>创建账户</source>
        <translation>Create account</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="100"/>
        <source>新建账户</source>
        <translation>New account</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="103"/>
        <source>小写字母、数字，如工号或姓名拼音</source>
        <translation>lower-case letters and digits: a staff number or the name in pinyin</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="104"/>
        <source>用户名(&amp;U)：</source>
        <translation>&amp;User name:</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="107"/>
        <source>姓名(&amp;N)：</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="109"/>
        <source>角色(&amp;R)：</source>
        <translation>&amp;Role:</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="111"/>
        <source>所属部门(&amp;D)：</source>
        <translation>&amp;Department:</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="112"/>
        <source>首次登录时，本人须修改这个初始密码。</source>
        <translation>The person changes this first password at the first sign-in.</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="116"/>
        <source>初始密码(&amp;P)：</source>
        <translation>First &amp;password:</translation>
    </message>
</context>
<context>
    <name>NoteDialog</name>
    <message>
        <location filename="../../ui/cases/detail.py" line="471"/>
        <source>添加备注</source>
        <translation>Add note</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="474"/>
        <source>例如：申请人来电询问进展，已告知正在办理</source>
        <translation>e.g. The applicant phoned about progress; told the case is in hand</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="475"/>
        <source>备注(&amp;T)：</source>
        <translation>No&amp;te:</translation>
    </message>
</context>
<context>
    <name>QueuesPage</name>
    <message>
        <location filename="../../ui/queues.py" line="66"/>
        <source>尚未推送</source>
        <translation>Not pushed yet</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="69"/>
        <source>最近一次推送失败：{0}</source>
        <translation>Last push failed: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="72"/>
        <source>最近一次推送于 {0} 送达，部门正在接收</source>
        <translation>Last push delivered at {0}, the department is still receiving it</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="73"/>
        <source>最近一次推送于 {0} 送达</source>
        <translation>Last push delivered at {0}</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="101"/>
        <source>推送状态</source>
        <translation>Department queues</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="109"/>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="110"/>
        <source>重新读取各部门队列（F5）</source>
        <translation>Read the department queues again (F5)</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="118"/>
        <location filename="../../ui/queues.py" line="158"/>
        <source>部门</source>
        <translation>Department</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="119"/>
        <source>推送方式</source>
        <translation>Transport</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="120"/>
        <location filename="../../ui/queues.py" line="162"/>
        <source>最近一次推送</source>
        <translation>Last push</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="121"/>
        <source>待推送</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="122"/>
        <source>失败</source>
        <translation>Failed</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="123"/>
        <source>已送达</source>
        <translation>Delivered</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="124"/>
        <source>转办状态</source>
        <translation>Transfers by status</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="125"/>
        <source>最早待推送</source>
        <translation>Oldest waiting</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="126"/>
        <source>最近错误</source>
        <translation>Last error</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="138"/>
        <source>推送失败</source>
        <translation>Failed pushes</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="147"/>
        <source>部门(&amp;B)：</source>
        <translation>&amp;Department:</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="157"/>
        <source>案件编号</source>
        <translation>Case number</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="159"/>
        <source>角色</source>
        <translation>Role</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="160"/>
        <source>推送失败原因</source>
        <translation>Why it failed</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="161"/>
        <source>尝试次数</source>
        <translation>Attempts</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="178"/>
        <source>重新推送(&amp;R)</source>
        <translation>&amp;Retry push</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="179"/>
        <source>把选中的转办重新放回推送队列（原转办编号，部门不会重复收到）</source>
        <translation>Put the selected transfer back in the push queue (same transfer ID: the department never gets it twice)</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="181"/>
        <source>改派(&amp;T)…</source>
        <translation>Re-rou&amp;te…</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="182"/>
        <source>改由本厅配置中的另一个部门办理，须写明理由</source>
        <translation>Send it to another department of the hall configuration instead, with a reason</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="184"/>
        <source>打开案件(&amp;O)</source>
        <translation>&amp;Open case</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="185"/>
        <source>打开选中转办所属的案件（Enter）</source>
        <translation>Open the case of the selected transfer (Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="266"/>
        <source>无法读取部门队列：{0}</source>
        <translation>Cannot read the department queues: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="290"/>
        <source>待推送 {0} 条，失败 {1} 条；{2} 个部门中 {3} 个已配置推送方式。</source>
        <translation>{0} waiting, {1} failed; {3} of {2} departments have a transport configured.</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="297"/>
        <source>各部门均未配置推送地址：转办已保存在待推送队列中，不会自动送达。请在本厅配置文件的 [department.transport] 中配置后再启用推送。</source>
        <translation>No department has a transport configured: transfers are kept in the outbox and are not delivered automatically. Configure [department.transport] in the hall configuration file to enable pushing.</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="302"/>
        <source>连通情况以最近一次推送的结果为准；尚未推送的部门无法判断是否连通。</source>
        <translation>Reachability is known only from the last push; for departments not pushed to yet it is unknown.</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="308"/>
        <source>{0}（已不在配置中）</source>
        <translation>{0} (no longer configured)</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="315"/>
        <source>未配置</source>
        <translation>not configured</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="352"/>
        <source>时间：{0}</source>
        <translation>Time: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="353"/>
        <source>结果：{0}</source>
        <translation>Outcome: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="356"/>
        <source>HTTP 状态：{0}</source>
        <translation>HTTP status: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="358"/>
        <source>错误：{0}</source>
        <translation>Error: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="360"/>
        <source>未能连通该部门</source>
        <translation>The department could not be reached</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="362"/>
        <source>部门系统已应答，但拒收</source>
        <translation>The department&apos;s system answered, but refused it</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="386"/>
        <source>全部部门（{0}）</source>
        <translation>All departments ({0})</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="389"/>
        <source>{0}（{1}）</source>
        <translation>{0} ({1})</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="415"/>
        <source>没有推送失败的转办</source>
        <translation>No failed pushes</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="417"/>
        <source>共 {0} 条，需要人工处理</source>
        <translation>{0} in all, waiting for a person</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="419"/>
        <source>{0} 条（全部部门共 {1} 条）</source>
        <translation>{0} ({1} for all departments)</translation>
    </message>
    <message>
        <location filename="../../ui/queues.py" line="442"/>
        <source>转办编号：{0}</source>
        <translation>Transfer ID: {0}</translation>
    </message>
</context>
<context>
    <name>ReceiptPreviewDialog</name>
    <message>
        <location filename="../../ui/receipt_preview.py" line="251"/>
        <source>选择打印机</source>
        <extracomment>Layouts the workstation remembers (the transfer slip is chosen per case, never remembered). the next recorded print of this layout will be a reprint (补打) characters no font has; printing is refused while this is not empty the core&apos;s MissingGlyphs error (names the characters and their fields), or None the case has a lead transfer, so a transfer slip (转办单) can be printed</extracomment>
        <translation>Choose printer</translation>
    </message>
    <message>
        <location filename="../../ui/receipt_preview.py" line="262"/>
        <source>另存为 PDF</source>
        <translation>Save as PDF</translation>
    </message>
    <message>
        <location filename="../../ui/receipt_preview.py" line="264"/>
        <source>PDF 文件 (*.pdf)</source>
        <translation>PDF files (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../ui/receipt_preview.py" line="296"/>
        <source>补打回执</source>
        <extracomment>``(parent) -&gt; QPrinter | None``: asks for a printer when none is remembered (tests replace it) ``(parent, suggested file name) -&gt; path | None`` (tests replace it)</extracomment>
        <translation>Reprint receipt</translation>
    </message>
    <message>
        <location filename="../../ui/receipt_preview.py" line="296"/>
        <source>受理回执</source>
        <translation>Intake receipt</translation>
    </message>
    <message>
        <location filename="../../ui/receipt_preview.py" line="319"/>
        <source>版式(&amp;L)：</source>
        <translation>&amp;Layout:</translation>
    </message>
    <message>
        <location filename="../../ui/receipt_preview.py" line="346"/>
        <location filename="../../ui/receipt_preview.py" line="462"/>
        <source>正在生成回执……</source>
        <translation>Generating the receipt…</translation>
    </message>
    <message>
        <location filename="../../ui/receipt_preview.py" line="353"/>
        <source>选择打印机(&amp;R)…</source>
        <translation>Choose p&amp;rinter…</translation>
    </message>
    <message>
        <location filename="../../ui/receipt_preview.py" line="366"/>
        <source>打印(&amp;P)</source>
        <translation>&amp;Print</translation>
    </message>
    <message>
        <location filename="../../ui/receipt_preview.py" line="368"/>
        <source>打印到本工作站的打印机（Ctrl+P）</source>
        <translation>Print on this workstation&apos;s printer (Ctrl+P)</translation>
    </message>
    <message>
        <location filename="../../ui/receipt_preview.py" line="371"/>
        <source>另存为PDF(&amp;S)…</source>
        <translation>&amp;Save as PDF…</translation>
    </message>
    <message>
        <location filename="../../ui/receipt_preview.py" line="374"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../ui/receipt_preview.py" line="375"/>
        <source>关闭（Esc）</source>
        <translation>Close (Esc)</translation>
    </message>
    <message>
        <location filename="../../ui/receipt_preview.py" line="441"/>
        <source>出现意外错误：{error}</source>
        <translation>Unexpected error: {error}</translation>
    </message>
    <message>
        <location filename="../../ui/receipt_preview.py" line="446"/>
        <source>打印机：{name}</source>
        <translation>Printer: {name}</translation>
    </message>
    <message>
        <location filename="../../ui/receipt_preview.py" line="448"/>
        <source>打印机：未选择（打印时选择）</source>
        <translation>Printer: not chosen (choose when printing)</translation>
    </message>
    <message>
        <location filename="../../ui/receipt_preview.py" line="489"/>
        <location filename="../../ui/receipt_preview.py" line="646"/>
        <source>此回执不能打印：{problem}</source>
        <translation>This receipt cannot be printed: {problem}</translation>
    </message>
    <message>
        <location filename="../../ui/receipt_preview.py" line="494"/>
        <source>预览中缺字处显示为空白，请先修改案件中的这些字，再打印。</source>
        <translation>Characters the font lacks show as blanks in the preview; correct them in the case before printing.</translation>
    </message>
    <message>
        <location filename="../../ui/receipt_preview.py" line="496"/>
        <source>此回执已打印过，再次打印将标注“补打”并记录为补打。</source>
        <translation>This receipt has been printed before; printing again marks it “Reprint” and records a reprint.</translation>
    </message>
    <message>
        <location filename="../../ui/receipt_preview.py" line="498"/>
        <source>尚未打印。打印或另存为 PDF 后记录为首次打印。</source>
        <translation>Not printed yet. Printing or saving as PDF records the first print.</translation>
    </message>
    <message>
        <location filename="../../ui/receipt_preview.py" line="549"/>
        <source>未选择打印机，未打印。</source>
        <translation>No printer chosen; nothing printed.</translation>
    </message>
    <message>
        <location filename="../../ui/receipt_preview.py" line="553"/>
        <source>打印机“{name}”不可用，未打印。</source>
        <translation>Printer “{name}” is unavailable; nothing printed.</translation>
    </message>
    <message>
        <location filename="../../ui/receipt_preview.py" line="557"/>
        <source>正在打印……</source>
        <translation>Printing…</translation>
    </message>
    <message>
        <location filename="../../ui/receipt_preview.py" line="583"/>
        <source>{problem}。本次打印已记录，重新打印时将标注“补打”。</source>
        <translation>{problem}. This print has been recorded; printing again will be marked “Reprint”.</translation>
    </message>
    <message>
        <location filename="../../ui/receipt_preview.py" line="591"/>
        <source>已补打</source>
        <translation>Reprinted</translation>
    </message>
    <message>
        <location filename="../../ui/receipt_preview.py" line="591"/>
        <source>已打印</source>
        <translation>Printed</translation>
    </message>
    <message>
        <location filename="../../ui/receipt_preview.py" line="592"/>
        <source>{what}（{layout}）。</source>
        <translation>{what} ({layout}).</translation>
    </message>
    <message>
        <location filename="../../ui/receipt_preview.py" line="606"/>
        <source>正在保存……</source>
        <translation>Saving…</translation>
    </message>
    <message>
        <location filename="../../ui/receipt_preview.py" line="623"/>
        <source>已保存到 {path}</source>
        <translation>Saved to {path}</translation>
    </message>
</context>
<context>
    <name>RerouteDialog</name>
    <message>
        <location filename="../../ui/reroute.py" line="78"/>
        <source>改派 — 案件 {0}</source>
        <translation>Re-route — case {0}</translation>
    </message>
    <message>
        <location filename="../../ui/reroute.py" line="80"/>
        <source>{department}（{role}）</source>
        <translation>{department} ({role})</translation>
    </message>
    <message>
        <location filename="../../ui/reroute.py" line="84"/>
        <source>现转办部门：{0}</source>
        <translation>Transferred to: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/reroute.py" line="88"/>
        <source>推送失败原因：{0}</source>
        <translation>Why the push failed: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/reroute.py" line="88"/>
        <source>部门退回理由：{0}</source>
        <translation>Returned by the department: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/reroute.py" line="99"/>
        <source>请选择部门</source>
        <translation>Choose a department</translation>
    </message>
    <message>
        <location filename="../../ui/reroute.py" line="101"/>
        <source>改派到(&amp;D)：</source>
        <translation>Re-route &amp;to:</translation>
    </message>
    <message>
        <location filename="../../ui/reroute.py" line="105"/>
        <source>例如：该部门系统拒收，经与司法局沟通改由其办理</source>
        <translation>e.g. the department&apos;s system refuses it; agreed with the justice bureau that it takes the case</translation>
    </message>
    <message>
        <location filename="../../ui/reroute.py" line="106"/>
        <source>改派理由(&amp;R)：</source>
        <translation>&amp;Reason:</translation>
    </message>
    <message>
        <location filename="../../ui/reroute.py" line="72"/>
        <source>改派</source>
        <extracomment>the department returned it (退回) rather than the dispatcher giving up on it</extracomment>
        <translation>Re-route</translation>
    </message>
    <message>
        <location filename="../../ui/reroute.py" line="113"/>
        <source>请选择改派的部门</source>
        <translation>choose the department to re-route to</translation>
    </message>
    <message>
        <location filename="../../ui/reroute.py" line="149"/>
        <source>出现意外错误，未改派：{error}</source>
        <translation>Unexpected error, not re-routed: {error}</translation>
    </message>
</context>
<context>
    <name>ResetPasswordDialog</name>
    <message>
        <location filename="../../ui/accounts_page.py" line="152"/>
        <source>重置密码</source>
        <translation>Reset password</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="155"/>
        <source>重置密码 — {0}（{1}）</source>
        <translation>Reset password — {0} ({1})</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="157"/>
        <source>设置一个初始密码交给本人；本人下次登录时须修改。账户如被锁定，同时解锁。</source>
        <translation>Set a first password to give to the person; they change it at the next sign-in. A locked account is unlocked too.</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="162"/>
        <source>新密码(&amp;P)：</source>
        <translation>New &amp;password:</translation>
    </message>
</context>
<context>
    <name>RevealDialog</name>
    <message>
        <location filename="../../ui/cases/detail.py" line="583"/>
        <source>显示</source>
        <translation>Show</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="585"/>
        <source>显示完整号码 — 案件 {0}</source>
        <translation>Full numbers — case {0}</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="586"/>
        <source>查看完整的证件号码和电话号码须写明事由，查看人、时间和事由记入审计日志。</source>
        <translation>Seeing the full ID and phone numbers needs a reason; who, when and why are recorded in the audit log.</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="591"/>
        <source>例如：申请人来电，核对身份</source>
        <translation>e.g. the applicant called; checking identity</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="592"/>
        <source>事由(&amp;R)：</source>
        <translation>&amp;Reason:</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="619"/>
        <source>出现意外错误：{error}</source>
        <translation>Unexpected error: {error}</translation>
    </message>
</context>
<context>
    <name>RoleDialog</name>
    <message>
        <location filename="../../ui/accounts_page.py" line="194"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="197"/>
        <source>修改角色 — {0}（{1}）</source>
        <translation>Change role — {0} ({1})</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="199"/>
        <source>角色(&amp;R)：</source>
        <translation>&amp;Role:</translation>
    </message>
    <message>
        <location filename="../../ui/accounts_page.py" line="201"/>
        <source>所属部门(&amp;D)：</source>
        <translation>&amp;Department:</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <location filename="../../ui/settings_page.py" line="51"/>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="77"/>
        <source>语言在下次启动时生效。</source>
        <translation>The language applies at the next start.</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="108"/>
        <source>本工作站</source>
        <translation>This workstation</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="112"/>
        <source>界面语言(&amp;L)</source>
        <translation>&amp;Language</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="113"/>
        <source>回执格式(&amp;R)</source>
        <translation>&amp;Receipt layout</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="114"/>
        <source>打印机(&amp;P)</source>
        <translation>&amp;Printer</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="118"/>
        <source>运行信息</source>
        <translation>Runtime information</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="121"/>
        <source>数据库</source>
        <translation>Database</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="123"/>
        <source>{0}（区划代码 {1}，工作站 {2}）</source>
        <translation>{0} (district code {1}, workstation {2})</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="126"/>
        <source>本厅</source>
        <translation>Hall</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="129"/>
        <source>默认值在前，本厅配置文件在后，后者覆盖前者</source>
        <translation>Defaults first, then the hall&apos;s file, which overrides them</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="130"/>
        <source>配置文件</source>
        <translation>Configuration files</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="132"/>
        <location filename="../../ui/settings_page.py" line="152"/>
        <source>打开</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="137"/>
        <source>日志文件夹</source>
        <translation>Log folder</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="140"/>
        <source>密钥存储</source>
        <translation>Keyring</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="144"/>
        <source>备份</source>
        <translation>Backups</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="158"/>
        <source>备份文件夹</source>
        <translation>Backup folder</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="160"/>
        <source>上次备份</source>
        <translation>Last backup</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="161"/>
        <source>立即备份(&amp;B)</source>
        <translation>&amp;Back up now</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="173"/>
        <source>由数据库服务器备份（pg_dump），受理台不备份 PostgreSQL 数据库</source>
        <translation>Backed up by the database server (pg_dump); the desk does not back up a PostgreSQL database</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="212"/>
        <source>用户名：{0}</source>
        <translation>User name: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="231"/>
        <source>（无）</source>
        <translation>(none)</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="233"/>
        <source>未找到打印机，将另存为 PDF</source>
        <translation>No printer found; receipts will be saved as PDF</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="236"/>
        <source>系统默认打印机</source>
        <translation>System default printer</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="295"/>
        <source>尚未备份</source>
        <translation>No backup yet</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="297"/>
        <source>每日自动</source>
        <translation>daily, automatic</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="297"/>
        <source>手动</source>
        <translation>manual</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="297"/>
        <source>恢复前</source>
        <translation>before a restore</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="303"/>
        <source>，{0} 件案件</source>
        <translation>, {0} case(s)</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="308"/>
        <source>无法读取备份文件夹：{0}</source>
        <translation>Cannot read the backup folder: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="316"/>
        <source>正在备份…</source>
        <translation>Backing up…</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="332"/>
        <source>已备份：{0}（{1} 件案件，{2:.1f} MB，用时 {3:.1f} 秒）</source>
        <translation>Backed up: {0} ({1} case(s), {2:.1f} MB, {3:.1f} s)</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="350"/>
        <source>备份失败：{0}</source>
        <translation>Backup failed: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="210"/>
        <location filename="../../ui/settings_page.py" line="237"/>
        <location filename="../../ui/settings_page.py" line="299"/>
        <source>{0}（{1}）</source>
        <translation>{0} ({1})</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="56"/>
        <source>修改密码(&amp;W)…</source>
        <translation>Change pass&amp;word…</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="111"/>
        <source>当前用户</source>
        <translation>Signed in</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="242"/>
        <source>之前选择的打印机“{0}”已找不到，将使用系统默认打印机</source>
        <translation>The printer &quot;{0}&quot; chosen before is gone; the system default printer will be used</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="253"/>
        <source>{0}（安全）</source>
        <translation>{0} (secure)</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="255"/>
        <source>{0}（不安全：回执将不含核验码，部门推送的密钥也无法保存）</source>
        <translation>{0} (not secure: receipts will have no verification code and department credentials cannot be stored)</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="269"/>
        <source>已保存，重新启动受理台后生效。</source>
        <translation>Saved; applies when the desk is started again.</translation>
    </message>
</context>
<context>
    <name>SignIn</name>
    <message>
        <location filename="../../ui/signin.py" line="47"/>
        <source>密码至少 {0} 个字符，包含小写字母、大写字母、数字、其他符号中的至少 {1} 类，且不含用户名。</source>
        <extracomment>the environment variable an unattended start (``--user NAME``) reads the password from</extracomment>
        <translation>A password has at least {0} characters of at least {1} kinds out of lower-case letters, upper-case letters, digits and other signs, and does not contain the user name.</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="65"/>
        <source>锁定至 {0}。</source>
        <translation>Locked until {0}.</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="108"/>
        <source>✓ 符合密码要求</source>
        <translation>✓ meets the password rules</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="153"/>
        <source>✓ 两次输入一致</source>
        <translation>✓ both the same</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="169"/>
        <source>再次输入(&amp;A)：</source>
        <translation>&amp;Again:</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="197"/>
        <source>出现意外错误：{0}</source>
        <translation>An unexpected error occurred: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="412"/>
        <source>无人值守登录须在环境变量 {0} 中给出密码。</source>
        <translation>An unattended sign-in needs the password in the environment variable {0}.</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="449"/>
        <source>尚无用户账户：请先由人工启动受理台一次，创建管理员账户。</source>
        <translation>There are no accounts yet: start the desk once by hand and create the administrator&apos;s account.</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="452"/>
        <source>账户 {0} 须先修改密码，不能无人值守登录。</source>
        <translation>Account {0} must change its password first: it cannot sign in unattended.</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="460"/>
        <location filename="../../ui/signin.py" line="463"/>
        <source>无法登录：{0}</source>
        <translation>Cannot sign in: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="482"/>
        <source>需要登录。无人值守启动（测试、自助终端）请用 --user 用户名，并在环境变量 {0} 中给出密码。</source>
        <translation>Someone must sign in. For an unattended start (tests, kiosks) pass --user NAME and the password in the environment variable {0}.</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../../ui/signin.py" line="260"/>
        <source>登录</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="266"/>
        <source>登录 — 一站式受理台</source>
        <translation>Sign in — One-stop reception desk</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="272"/>
        <source>工作站 {0}。请用您本人的账户登录。</source>
        <translation>Workstation {0}. Sign in with your own account.</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="276"/>
        <source>用户名(&amp;U)：</source>
        <translation>&amp;User name:</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="280"/>
        <source>密码(&amp;P)：</source>
        <translation>&amp;Password:</translation>
    </message>
    <message>
        <location filename="../../ui/signin.py" line="281"/>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
</context>
<context>
    <name>_ActionDialog</name>
    <message>
        <location filename="../../ui/cases/detail.py" line="422"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="456"/>
        <source>（已重新读取案件）</source>
        <translation> (case reloaded)</translation>
    </message>
    <message>
        <location filename="../../ui/cases/detail.py" line="462"/>
        <source>出现意外错误，未保存：{error}</source>
        <translation>Unexpected error; nothing saved: {error}</translation>
    </message>
</context>
<context>
    <name>_DepartmentField</name>
    <message>
        <location filename="../../ui/accounts_page.py" line="64"/>
        <source>（无）</source>
        <translation>(none)</translation>
    </message>
</context>
</TS>
