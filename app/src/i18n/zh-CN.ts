/**
 * The zh-CN dictionary is the reference: its shape is {@link Dictionary}, and every other
 * locale must have exactly these keys (the type checker enforces it in each dictionary file).
 */
export const zhCN = {
  app: {
    name: '印章管控',
    tagline: '公司印章的申请、审批与用印，离线也能用',
  },
  connection: {
    online: '在线',
    offline: '离线',
    onlineHint: '已连接网络，更改会同步到服务器。',
    offlineHint: '没有网络。更改保存在本机，恢复联网后自动同步。',
  },
  language: {
    label: '界面语言',
  },
  home: {
    title: '这台设备上还没有设置组织',
    lead: '印章管控把数据保存在本机，没有网络也能工作。开始使用之前，需要第一位管理员完成设置。',
    stepsLabel: '接下来',
    step1Title: '首位管理员登录',
    step1Body: '使用同步服务器控制台中打印的一次性设置码登录，并为自己注册通行密钥。',
    step2Title: '邀请成员',
    step2Body: '管理员邀请印章管理员、审批人和现场人员，每人用自己的通行密钥登录。',
    step3Title: '现场平板离线工作',
    step3Body: '平板同步一次后，在没有网络的工地也能申请用印、确认身份和盖章；恢复联网后自动同步。',
    notAdmin: '不是管理员？请等待管理员邀请您，然后在这台设备上登录。',
  },
  notFound: {
    title: '找不到这个页面',
    body: '地址可能有误，或者这个页面还没有在这台设备上提供。',
    home: '返回首页',
  },
  serviceWorker: {
    offlineReady: '已可离线使用',
    needRefresh: '有新版本可用',
    reload: '重新加载',
    dismiss: '关闭',
  },
};

/** The shape every locale's dictionary must have: the keys of zh-CN, with string values. */
export type Dictionary = typeof zhCN;
