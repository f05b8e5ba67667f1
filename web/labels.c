/* labels.c — the one table of Chinese field names (labels.h). */
#include "labels.h"

#include <string.h>

static const struct {
	const char *name, *label;
} labels[] = {
    {"form", "形式"},
    {"topic", "议题"},
    {"targets", "被监督单位"},
    {"target", "被监督单位"},
    {"due", "截止日期"},
    {"parent", "上级任务"},
    {"status", "状态"},
    {"year", "年度"},
    {"title", "标题"},
    {"items", "计划事项"},
    {"host", "主办单位"},
    {"participants", "参与单位"},
    {"participant", "参与单位"},
    {"start", "开始日期"},
    {"end", "结束日期"},
    {"ref", "回应记录"},
    {"summary", "摘要"},
    {"findings", "发现的问题"},
    {"finding", "发现的问题"},
    {"metrics", "指标"},
    {"metric", "指标"},
    {"metric name", "指标名称"},
    {"attachments", "附件"},
    {"attach", "附件"},
    {"item", "计划事项序号"},
    {"verdict", "审核意见"},
    {"comment", "说明"},
    {"ref_version", "所审版本"},
    {"number", "编号"},
    {"submitter", "提案人"},
    {"filing", "立案"},
    {"handler", "承办单位"},
    {"outcome", "办理结果"},
    {"face_to_face", "面商"},
    {"satisfaction", "满意度"},
    {"month", "月份"},
    {"lead", "牵头"},
    {"responsible", "负责"},
    {"assisting", "协助落实"},
    {"name", "名称"},
    {"value", "数值"},
    {"size", "大小（字节）"},
    {"content_type", "类型"},
    {"path", "路径"},
    {"level", "层级"},
    {"region", "行政区划"},
    {"plugin", "插件"},
    {"period", "期间"},
    {"format", "格式"},
    {"content", "内容"},
    {"figures", "数字"},
    {"scope", "范围"},
    {"author", "填报人"},
    {"id", "编号"},
    {"owner", "发文单位"},
    {"kind", "类别"},
    {"record", "记录"},
    {"version", "版本"},
    /* members and duty entries */
    {"sector", "界别"},
    {"committee", "专委会"},
    {"group", "委员小组"},
    {"term", "届次"},
    {"joined", "加入日期"},
    {"new_member", "新任委员"},
    {"activity", "履职活动"},
    {"date", "日期"},
    {"members", "委员"},
    {"note", "备注"},
    /* 社情民意 and proposals as offices handle them */
    {"member", "委员"},
    {"action", "处理"},
    {"leader", "批示领导"},
    {"cosigners", "联名委员"},
    {"cosigner", "联名委员"},
    {"key", "重点提案"},
    {"supervisor", "督办领导"},
    {"filed_on", "立案日期"},
    {"deadline", "答复期限"},
    {"extended", "已延期"},
};

const char *
ld_label_field(const char *name)
{
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (strcmp(labels[i].name, name) == 0)
			return labels[i].label;
	return name;
}
