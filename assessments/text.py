"""Tokenisation of short bilingual (Chinese / English) free text.

Pain points are a sentence or two, mostly Chinese with some English. Each text becomes three
token lists:

* **words** — Chinese words of two characters or more from jieba (``rjieba``) and lower-cased,
  lightly stemmed English words, with stop words removed. Words carry meaning and make
  readable theme labels; a lone Chinese character ("改", "出", "人") is too ambiguous to be
  either, and the bigrams keep it anyway.
* **bigrams** — overlapping Chinese character pairs. They survive segmentation errors and
  typos and match words segmented differently (``需求变更`` / ``变更需求`` share ``需求`` and
  ``变更`` however jieba cuts them).
* **concepts** — the entries of :data:`CONCEPTS`, a small PMO thesaurus, that the text
  mentions in either language: what lets "工期被压缩" and "deadlines are set top-down" meet.

Everything here is deterministic and needs no data files beyond jieba's built-in dictionary.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import rjieba

__all__ = [
    "CONCEPTS",
    "CONCEPT_NAMES",
    "STOP_EN",
    "STOP_ZH",
    "Tokens",
    "has_cjk",
    "normalize",
    "stem_en",
    "tokenize",
]

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_CJK_CHAR = re.compile(f"[{_CJK}]")
_ASCII_WORD = re.compile(r"[a-z][a-z0-9]*(?:[+#]+)?|[0-9]+[a-z][a-z0-9]*")


def _word_set(blob: str) -> frozenset[str]:
    return frozenset(blob.split())


# Function words and the generic vocabulary of complaining ("always", "very", "problem"),
# which every theme shares and which therefore only blur the themes.
STOP_ZH: frozenset[str] = _word_set(
    """
    的 地 得 了 着 过 是 在 有 和 与 及 或 跟 同 把 被 让 给 对 向 从 到 于 为 以 由 将
    而 并 且 则 就 才 都 也 还 又 再 很 太 挺 更 最 好 不 没 别 非 无 未 吗 呢 吧 啊 呀 嘛 哦
    这 那 哪 此 其 之 个 些 种 样 么 啥 谁 我 你 他 她 它 咱 您 人家 自己
    我们 你们 他们 她们 咱们 大家 别人 有人 有些 这个 那个 这些 那些 这样 那样 这种 那种
    一个 一些 一种 一样 一下 一点 一直 一般 一定 一起 一次 每次 每个 各种 各个 所有 任何
    一堆 一半 一句 一遍 一天 一周 一大堆 好几个 几个 好几次 几次 整个 没人 有时候 从来不
    什么 怎么 怎样 如何 为什么 为何 因为 所以 但是 但 可是 不过 然后 而且 并且 或者 还是
    如果 虽然 即使 只是 只有 就是 也是 都是 还有 而是 不是 没有 没 无法 不能 不会 不要
    不用 不够 不太 不断 已经 正在 总是 老是 经常 常常 往往 一直 始终 从来 根本 完全 基本
    基本上 几乎 比较 非常 特别 十分 相当 实在 真的 真是 确实 其实 实际 目前 现在 当前
    以前 之前 之后 以后 后来 时候 时间段 情况 问题 方面 东西 事情 地方 感觉 觉得 认为
    希望 需要 可能 可以 应该 能够 必须 导致 造成 出现 存在 进行 通过 关于 对于 由于 比如
    例如 等等 等 啦 哈 嗯 呵呵 暂无 无 没啥 还好 不知道 知道 经常性 各 每 很多 许多 太多
    好多 较多 多 少 大 小 高 低 上 下 里 中 内 外 后 前 会 能 要 说 做 搞 弄 用 去 来
    最后 最终 发现 出来 起来 处理 全靠 意思 结果 本来 原来 只能 直接 还要 就要 一下子
    出 开 看 走 干 发 完 补 事 月 年 天 全 只 新 老 换 挑 讲 问 找 接 想 拿 放 叫 定 让 被 搞 跟
    天天 下面 上面 全是 反正 再说 搞笑 一大堆 半天 马上 到底 那边 这边 里面 外面 每周 每年
    每天 几十个 从头 重新 同样 同一个 等于 真正 反而 一切 平时 剩下 越来越 开始 结束 时才
    只会 干脆 到处 回去 过来 上去 进去 下去 出去 回来 永远 总 老是 经常 一大半 动不动 连着
    好几次 好几个 几天 两天 三天 两周 一周 下周 下个月 半年 一年 两个 三个 四个 五个 谁 啥事
    有事 不了 不到 之间 这块 那块 东西 小东西 结果 一点 一次 全都 只是 还是 就是
    怎么办 咋办 搞得
    """
)

# Characters that make a character bigram meaningless when they occur in it.
_STOP_CHARS: frozenset[str] = frozenset(
    "的地得了着是在和与及或把被让给从就才都也还又再很太挺不没别吗呢吧啊呀嘛哦这那哪么啥谁我你他她它您们"
)

STOP_EN: frozenset[str] = _word_set(
    """
    a about above after again against all also always am an and any are as at be because been
    before being below between both but by can cannot could did do does doing done down during
    each even ever every few for from further get gets getting got had has have having he her
    here hers him his how however i if in into is it its itself just keep keeps kept let like
    lot lots many may me might more most much must my never no nor not now of off often on once
    one only or other our ours out over own really same see seem seems she should so some still
    such than that the their theirs them then there these they thing things this those though
    through to too under until up us very was way we well were what when where whether which
    while who whom why will with within without would yet you your yours anyone anything
    everyone everything nobody nothing someone something always usually sometimes etc via
    actually basically just also again lot problem problems issue issues thing stuff make
    makes made take takes took go goes going went come comes came put end ends ended
    none nil na two three four five six seven eight nine ten hundred
    """
)


# A small thesaurus of the things PMO pain points are about. Short texts on one theme rarely
# share a word ("工期被压缩" / "deadline is set top-down" / "排期没问开发"), so every text
# also gets a token for each concept it mentions, in either language. Chinese terms match
# as substrings of the text; English terms (``_`` joins a phrase) match whole stemmed words.
# Concepts are deliberately finer than themes and may overlap: they add shared vocabulary,
# the clustering still decides the grouping. Keep additions to general project-management
# and manufacturing vocabulary (ECN, 来料检验, 内审, RACI...), never phrases copied from the
# evaluation sets in tests/data, or the measured quality stops meaning anything.
CONCEPTS: dict[str, str] = {
    "requirement": """需求 需要做什么 原型 用户故事 功能点 规格 产品经理 业务方 验收标准
        客户要求 用户要求 提需求 需求单 功能清单 使用场景 业务规则 功能范围 新功能 想要的
        要的东西 新想法 业务说 产品说 客户说 业务提 用户需要 需求方 需求说明 需求文档 脑补
        需求调研
        prd srs requirement spec specification user_story story feature_request use_case
        acceptance_criteria product_owner product_manager want wants asks ask
        需求评审 需求确认 需求变更 用户需求 客户需求 规格书 技术协议 业务需求""",
    "change": """变更 改来改去 改主意 变来变去 反复修改 频繁修改 老是变 一直变 又改 又变 临时加
        加功能 加需求 插需求 改需求 朝令夕改 推翻 推倒重来 范围蔓延 蔓延 合同外 镀金 变动
        频繁调整 随意改 临时改 临时变 不冻结 反悔 变卦 改口 一天一个想法 越拉越长 不停加 偷偷加
        又要加 还在加 改版 调整需求 重来 返工 越改越多 推倒
        change changing scope_creep creep moving_target last_minute pivot
        工程变更 设计变更 变更单 变更申请 变更评审 变更记录 变更流程 变更影响 影响分析 ecn eco ecr
        改图 改设计 改规格 改方案 改参数 冻结 解冻 变更控制 变更管理 改版本 一天一个主意 来回改
        change_request change_control change_order""",
    "clarity": """模糊 不清楚 不明确 不清晰 说不清 靠猜 理解不一致 理解偏差 歧义 没说清 太粗
        细节 对不上 口径不一 含糊 笼统 没写清 不完整 遗漏 没定义 讲不清 没说明白 理解不同
        不是这个意思 不是他们要的 不是想要的 走样 差十万八千里 两三句话 一句话 信息不全
        vague unclear ambiguous guess guessing misunderstand misunderstood incomplete""",
    "estimation": """估算 估时 估计 工作量 拍脑袋 偏乐观 乐观 故事点 人天 人月 评估工作量 报时间
        预估 低估 高估 评估不准 工时估 少算 算少了 报少了 估少了 估不准 评估不足 评估偏差
        estimate estimation effort story_point optimistic sizing underestimat* guesswork""",
    "schedule": """进度 工期 排期 延期 延误 拖期 逾期 赶工 赶进度 上线日期 交付日期 日期 节点
        里程碑 倒排 压缩 提前 截止 时间紧 来不及 完不成 做不完 按时 推迟 滞后 落后 超期 交期
        时间太紧 时间不够 催进度 周期太短 往后拖 拖了 拖延 延了 一拖再拖 交付时间 上线时间 定死
        时间节点 赶着 赶出来 熬夜赶 压工期 时间点 交货期 准时交付 准交 拖单
        deadline schedule delay slip late milestone timeline on_track due_date behind overdue
        rush date
        交期 出货 发货 出货日期 货期 进度表 排期表 完成日期 赶货 赶单 准时
        go_live miss""",
    "planning": """计划 规划 甘特图 任务分解 缓冲 排计划 迭代计划 没计划 计划性 临时安排
        计划太理想 理想化 拆得太粗 任务拆 排产 生产计划 计划员 插单频繁
        wbs plan planning gantt buffer roadmap
        排产 工单 急单 产能 排程 计划排 计划乱 资源计划 冗余 余量""",
    "communication": """沟通 交流 同步 通知 传达 反馈 对接 回复 消息 邮件 拉群 群里 微信 口头
        信息不 石沉大海 甩锅 扯皮 留言 时差 信息差 信息孤岛 不透明 透明 钉钉 飞书 电话 找不到人
        不回 拉通 对齐 推诿 踢皮球 打招呼 转达 说一声 没人告诉 不知道谁负责 找谁 信息漏 传到
        口口相传 沟通成本 靠吼
        communicat* inform notify email mail respond response reply answer sync aligned
        alignment chat slack transparen* visibility hear heard told tell
        抄送 群消息 消息太多 通知不到 传达不到 信息传递
        talk told listen""",
    "meeting": """会议 开会 例会 周会 站会 晨会 日会 纪要 会多 念稿 开不完 评审会 月会 参会 议题
        开两个小时 会前 会后 会上 拉会 会开 白开 开完会
        meeting meet standup stand_up call minutes agenda
        会太多 早会 晚会 散会 会议室 会议纪要 开会时间 汇报会 协调会 月度会 会议邀请 开个会
        meeting_invite status_meeting""",
    "coordination": """跨部门 跨团队 部门墙 协调 配合 协作 上下游 依赖 其他团队 兄弟部门 前后端
        各干各 各说各 互相等 总部 分公司 异地 协同 横向 接口人 对口 阻塞 职责不清 分工不明
        边界不清 权责 转手 转三四道 各管各 只顾自己 不配合 推来推去 互相推 公共模块 别的组
        其他组 隔壁组 兄弟团队 合作起来
        cross_team other_team coordinat* dependency silo collaborat* handoff blocked
        responsibilit* ownership""",
    "decision": """拍板 决策 审批 点头 层层 签字 领导定 拍脑袋 定不下来 意见不统一 争论 一言堂
        说了算
        decision decide approval approve sign_off escalat*""",
    "version": """版本 分支 合并 主干 代码库 基线 配置项 配置管理 源码 最终版 冲突 代码丢失
        被覆盖 找不到最新 提交 打标签 版本控制 覆盖了 旧包 找不到包 哪个包 版本说明 改了什么
        代码覆盖 主分支
        git svn tag version versioning branch merge baseline repo repository source_control
        commit overwritten main_branch""",
    "release": """发布 发版 上线 部署 打包 回滚 热修复 构建 投产 生产环境 环境 上线窗口 配置文件
        生产配置 改配置 漏配 上生产 发包 灰度 割接 运维 停机 编译 手敲命令 凌晨 回退 参数 上线后
        投产后 部署脚本 全挂
        cicd devops release deploy deployment rollback roll_back build hotfix environment
        production prod config configuration staging""",
    "testing": """测试 测式 用例 回归 冒烟 提测 自测 漏测 覆盖率 自动化测试 单元测试 性能测试
        压测 验证 联调 没测 测不完 测出来 测的时候 测一下 好好测 自动化脚本 测试环境 测试服务器
        没测到
        qa uat test testing regression coverage test_case unit_test automation""",
    "quality": """缺陷 质量 线上问题 生产事故 事故 故障 投诉 返工 代码评审 评审 重写 卡死 崩溃
        宕机 报错 异常 技术债 重构 代码质量 全崩了 崩了 出问题 质量问题 代码没人看 不是bug
        缺陷多 良率 不良 质检 来料检验 客诉 退货 返修 追溯
        bug review defect quality incident escape code_review rework crash outage technical_debt
        tech_debt refactor*
        检验 质检 抽检 全检 首件 巡检 出厂检验 来料检验 iqc oqc ipqc fqc 不良率 不良品 批量问题
        报废 客户投诉 返修 失效 spc fmea 根本原因 cpk 质量目标 质量部 质量体系 品质 品管
        inspection nonconform* defect scrap yield""",
    "supplier": """供应商 外包 乙方 厂商 第三方 外协 外采 驻场 合作方 承包商 采购 招标 比价 报价
        付款 合同 许可证 外购 服务商 供方 分包 外部团队 合作伙伴 外包公司 外部合作 对方 签的合同
        第三方系统 外部供应 来料 物料 齐套 缺料 供货 到货 交货
        sla vendor supplier outsourc* contractor subcontract* third_party offshore procurement
        contract purchase license partner
        原材料 外协件 进口件 物料 等料 停线等料 缺货 涨价 供应 供货商 交货期 货源 单一来源
        supplier_quality vendor_support""",
    "staffing": """人手 人力 人员 招聘 招人 离职 流失 缺人 抢人 编制 岗位 骨干 新人 备岗 兼职
        抽调 抽人 人少 人不够 专家 架构师 技能 培训 缺编 空缺 招不到 留不住 跳槽 调岗 梯队
        经验不足 能力不足 带新人 导师 补人 补上人 老员工 新手 带人 只有一个人会 一休假 人员不足
        人员紧张 人不够用 短缺 招进来
        staff staffing hire hiring headcount people resign resignation turnover backfill
        understaffed senior junior newcomer training skill onboard* mentor* short_staff
        short_staffed
        借人 借调 资源不足 资源紧张 抢资源 资源冲突 人力不足 操作工 临时工 顶岗
        工资 薪资 人员流动 人走 resign quit attrition 请假 备岗 备份""",
    "overload": """加班 疲惫 超负荷 身兼数职 同时负责 救火 精力 熬夜 周末 士气 累死 太忙
        忙不过来 一个人干 压力大 连轴转 透支 通宵 节假日 工作量大 任务太多 分身乏术 身心俱疲
        撑不住 加班到 被叫回来 天天切换 同时挂 好几个项目 身兼
        996 overload overloaded overtime burnout burn weekend exhausted busy overwork stretched
        morale two_roles cover
          忙死 休息 没休 周末加班 分配不均 十点 疲劳 顾不上 挂在 同时挂
        exhausted tired""",
    "risk": """风险 隐患 预案 应急 预警 防范 预防 备选方案 备选 单点 踩坑 坑 报喜不报忧 未雨绸缪
        预研 不敢往上报 意外 突发 不可控 失控 没预料 没想到 事后补救 被动应对 提前准备 没人关心
        出了大事 出事 没想过 没验证 背锅 怕担责 不敢说 踩的坑 预料
        risk mitigation mitigate contingency bad_news blow_up surprise unforeseen firefight*
        crisis owner""",
    "lessons": """经验教训 复盘 根因 总结 同样的坑 反复出现 同样的问题 教训 重复犯 老问题 沉淀
        又踩了 再踩 上次的问题 同样的错
        lesson retrospective retro root_cause postmortem post_mortem""",
    "reporting": """报表 周报 月报 日报 汇报 报告 填报 填表 材料 报一遍 补填 重填 写报告 报送
        表格 台账 留痕 统计表 交一堆 写得比 报来报去 拉数据 汇报材料
        ppt report reporting status_report slide deck spreadsheet vanity""",
    "metrics": """度量 指标 数据 口径 统计 工时 看板 考核 绩效 基线数据 量化 打分 评分 仪表盘
        对数 数字 指标算法 横向比较 手填 数据对不上 交付数量 报工 台账数据 产值 达成率
        kpi metric measure measurement data indicator dashboard timesheet kpis number numbers""",
    "tools": """工具 系统 平台 软件 禅道 知识库 账号 权限 电脑 网络 卡顿 难用 打不开 录入
        持续集成 流水线 界面 在线文档 共享盘 客户端 服务器 内网 外网 网速 登录 闪退 工具链
        账号密码 网盘 群文件 开发机 内存 远程桌面 断线 老掉线 系统太老 软件太老 平台太多 设备
        系统切换 上线新系统
        jira confluence excel oa wiki vpn tool tooling system platform software laptop clunky
        slow integrat* pipeline login server ticketing ticket spreadsheet erp mes plm crm
        扫码 条码 打印机 报工 录入 手工录入 重复录入 不同步 同步不了 打通 打不通 接口
        截图 导不出 卡死 掉线 断网 账号申请 共享盘 u盘 cad sap 用友 金蝶 wms srm scada
        主数据 审批流 信息化 it部 数字化 rollout crash""",
    "documentation": """文档 资料 知识 交接 说明书 手册 注释 缺文档 没文档
        document documentation doc knowledge handover manual
        资料 手册 记录 存档 归档 留底 作业指导书 sop""",
    "process": """流程 规范 标准 走过场 流于形式 应付检查 形式主义 审计 走流程 制度 形同虚设
        繁琐 手续 官僚 落地 执行不到位
        process compliance audit bureaucracy checkbox procedure red_tape paperwork
        审核 内审 外审 稽核 体系 认证 迎审 不符合项 整改 纠正措施 checklist finding""",
    "responsibility": """职责 负责人 谁负责 没人负责 归谁 谁管 没人管 谁来管 管不了 权责 责任 担责
        问责 分工 边界 推诿 踢皮球 甩锅 背锅 扯皮 互相推 来回推 推来推去 岗位职责 角色 多头管理
        多头领导 听谁的 谁说了算 没有实权 实权 授权 职责不清 分工不明 认领 没人认
        owner ownership raci accountab* responsib* role roles authority""",
    "training": """培训 学习 新人 新员工 入职 带教 师傅 徒弟 传帮带 导师 技能 知识 交接 传承
        断档 退休 知识库 sop 作业指导书 操作规程 规程 手册 上岗 摸索 没人教 没人带 带新人 老员工
        老师傅 骨干走 经验丢失
        training train onboard* learn knowledge mentor coach handover skill lesson 经验""",
    "audit": """审核 内审 外审 审计 稽核 体系审核 体系 认证 iso iatf 不符合项 不符合 整改 纠正措施
        预防措施 capa 8d 迎审 督查 点检 合规 补记录 补材料 走过场
        audit finding compliance corrective capa checklist""",
    "priority": """优先级 插队 紧急 谁嗓门大 轻重缓急 都很急 加急 插单
        priority prioriti* urgent""",
    "incentive": """激励 奖金 晋升 涨薪 调薪 薪资 薪酬 待遇 职业发展 成长空间 干好干坏 吃大锅饭
        salary pay bonus promotion career incentive recognition""",
    "sponsorship": """不重视 不支持 不关心 高层 管理层 没有授权 授权不足 说了不算 不给资源
        瞎指挥
        sponsor buy_in leadership management_support micromanag*""",
    "budget": """预算 成本 费用 经费 花钱 超支 投入
        budget cost expense funding overrun""",
}


# How each concept reads in a theme label, in Chinese and in English.
CONCEPT_NAMES: dict[str, tuple[str, str]] = {
    "requirement": ("需求", "requirements"),
    "change": ("变更", "changes"),
    "clarity": ("需求不清", "unclear requirements"),
    "estimation": ("估算", "estimation"),
    "schedule": ("进度", "schedule"),
    "planning": ("计划", "planning"),
    "communication": ("沟通", "communication"),
    "meeting": ("会议", "meetings"),
    "coordination": ("跨部门协作", "coordination"),
    "decision": ("决策", "decisions"),
    "version": ("版本管理", "version control"),
    "release": ("发布部署", "release"),
    "testing": ("测试", "testing"),
    "quality": ("质量", "quality"),
    "supplier": ("供应商", "suppliers"),
    "staffing": ("人手", "staffing"),
    "overload": ("加班", "overload"),
    "risk": ("风险", "risks"),
    "lessons": ("经验教训", "lessons learned"),
    "reporting": ("汇报", "reporting"),
    "metrics": ("度量数据", "metrics"),
    "tools": ("工具系统", "tools"),
    "documentation": ("文档", "documentation"),
    "process": ("流程", "process"),
    "responsibility": ("职责分工", "responsibilities"),
    "training": ("培训与知识", "training"),
    "audit": ("审核", "audits"),
    "priority": ("优先级", "priorities"),
    "incentive": ("激励", "incentives"),
    "sponsorship": ("领导支持", "sponsorship"),
    "budget": ("预算", "budget"),
}


def normalize(text: str) -> str:
    """Return ``text`` NFKC-normalised (full-width → half-width) and lower-cased."""
    return unicodedata.normalize("NFKC", text).lower()


def has_cjk(text: str) -> bool:
    """True when ``text`` contains at least one CJK ideograph."""
    return _CJK_CHAR.search(text) is not None


def stem_en(word: str) -> str:
    """A deliberately light English stemmer: plurals, ``-ing``/``-ed`` and a final ``e``.

    It only has to be consistent, not linguistically right: ``requirements``/``requirement``
    and ``change``/``changing``/``changed`` must meet (at ``requirement`` and ``chang``).
    """
    if len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith(("sses", "ches", "shes", "xes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix, min_base in (("ing", 3), ("ed", 4)):
        if word.endswith(suffix) and len(word) - len(suffix) >= min_base:
            word = word[: -len(suffix)]
            if word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]  # "planned" -> "plan", "shipping" -> "ship"
            break
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


@dataclass(frozen=True, slots=True)
class _ConceptMatcher:
    """One concept's terms, compiled: a Chinese regex, English stems, prefixes and phrases."""

    name: str
    zh: re.Pattern[str] | None
    stems: frozenset[str]
    prefixes: tuple[str, ...]
    phrases: tuple[str, ...]

    def count(self, norm: str, stems: list[str], stem_line: str) -> int:
        """How many times the text mentions one of the concept's terms."""
        hits = len(self.zh.findall(norm)) if self.zh is not None else 0
        if stems:  # (a text without English words has no phrase either)
            for stem in stems:
                if stem in self.stems or (self.prefixes and stem.startswith(self.prefixes)):
                    hits += 1
            for phrase in self.phrases:
                hits += stem_line.count(phrase)
        return hits


def _compile_concept(name: str, blob: str) -> _ConceptMatcher:
    zh: list[str] = []
    stems: set[str] = set()
    prefixes: list[str] = []
    phrases: list[str] = []
    for term in blob.split():
        if has_cjk(term):
            zh.append(term)
        elif term.endswith("*"):
            prefixes.append(term[:-1])
        elif "_" in term:
            phrases.append(" " + " ".join(stem_en(w) for w in term.split("_")) + " ")
        else:
            stems.add(stem_en(term))
    pattern = None
    if zh:
        pattern = re.compile("|".join(re.escape(t) for t in sorted(zh, key=len, reverse=True)))
    return _ConceptMatcher(name, pattern, frozenset(stems), tuple(prefixes), tuple(phrases))


_MATCHERS: tuple[_ConceptMatcher, ...] = tuple(
    _compile_concept(name, blob) for name, blob in CONCEPTS.items()
)

# The thesaurus's Chinese terms are words of the segmenter too, so that "看板系统" is cut
# 看板 / 系统 and not 看 / 板系统: theme terms are then whole PMO words, never fragments.
# Two-character terms only: longer ones would swallow the words they are made of.
_THESAURUS_FREQUENCY = 300
for _term in sorted({t for blob in CONCEPTS.values() for t in blob.split() if has_cjk(t)}):
    if len(_term) == 2:  # never lowers the frequency of a word jieba knows better
        rjieba.add_word(_term, max(_THESAURUS_FREQUENCY, rjieba.suggest_freq(_term)), None)


@dataclass(frozen=True, slots=True)
class Tokens:
    """The tokens of one text; all empty when the text has no content."""

    words: tuple[str, ...]
    bigrams: tuple[str, ...]
    concepts: tuple[str, ...] = ()
    """Names of the :data:`CONCEPTS` the text mentions, once per mention."""
    surfaces: tuple[tuple[str, str], ...] = ()
    """(stem, word as written) of each English word, to label themes with real words."""

    @property
    def empty(self) -> bool:
        return not self.words and not self.bigrams and not self.concepts


def _cjk_bigrams(text: str) -> list[str]:
    grams: list[str] = []
    for run in _CJK_RUN.findall(text):
        for i in range(len(run) - 1):
            pair = run[i : i + 2]
            if pair[0] in _STOP_CHARS or pair[1] in _STOP_CHARS:
                continue
            grams.append(pair)
    return grams


def tokenize(text: str) -> Tokens:
    """Split one text into content words, Chinese character bigrams and concepts."""
    norm = normalize(text)
    if not norm.strip():
        return Tokens((), ())
    words: list[str] = []
    surfaces: list[tuple[str, str]] = []
    all_stems: list[str] = []
    for piece in rjieba.cut(norm):
        if has_cjk(piece):
            if piece not in STOP_ZH and len(piece) > 1:
                words.append(piece)
            continue
        for match in _ASCII_WORD.finditer(piece):
            word = match.group()
            stemmed = stem_en(word)
            all_stems.append(stemmed)
            if len(word) < 2 or word in STOP_EN or stemmed in STOP_EN:
                continue
            words.append(stemmed)
            surfaces.append((stemmed, word))
    stem_line = " " + " ".join(all_stems) + " "
    concepts: list[str] = []
    for matcher in _MATCHERS:
        concepts.extend([matcher.name] * matcher.count(norm, all_stems, stem_line))
    return Tokens(tuple(words), tuple(_cjk_bigrams(norm)), tuple(concepts), tuple(surfaces))
