"""`python manage.py seed_demo [--size N] [--seed S]`: the demo development zone (cadre.demo) and its accounts."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from cadre.demo import PASSWORD, demo_seed


class Command(BaseCommand):
    help = "生成演示数据：一个虚构的经济开发区（约30个单位、约200个职位、默认1000名干部）及各角色演示账号"

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, default=1000, help="干部人数（默认1000；压力测试可用100000）")
        parser.add_argument("--seed", type=int, default=20261123, help="随机种子（相同种子和人数生成相同数据）")

    def handle(self, *args, size, seed, **options):
        if size < 10:
            raise CommandError("--size 至少为10")
        accounts = demo_seed(size=size, seed=seed, log=self.stdout.write)
        self.stdout.write("")
        self.stdout.write(f"演示账号（仅供演示，密码均为 {PASSWORD}）：")
        for username, label in accounts:
            self.stdout.write(f"  {username:<10} {label}")
